package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/**
 * Receives RECEIPT frames after {@link DispatchClient#subscribeReceipts}.
 * <p>
 * <b>Threading:</b> called on the client's I/O thread; implementations must be quick and must not block.
 * A RECEIPT does not say which subscription it answers, so every listener of the client sees every receipt
 * the connection receives.
 */
public interface ReceiptListener
{
    /**
     * A message changed state.
     *
     * @param messageId the message.
     * @param state     its new state; null when this build does not know the wire value.
     * @param attempts  delivery attempts so far.
     * @param reason    why ({@link Reason#NONE} when there is none).
     * @param atEpochMs when the engine recorded the change.
     */
    void onReceipt(long messageId, DeliveryState state, int attempts, Reason reason, long atEpochMs);

    /**
     * As above, with the channel the message is on: the one it was submitted for, or after a fallback
     * (docs/connectors.md "Fallback") the new one, from the RETRYING that records the move onwards. The
     * client calls this method; by default it drops the channel and calls the five-argument one, so
     * lambdas keep working. Override it to see the channel.
     *
     * @param channel null from an engine too old to send it, or for a code this build does not know.
     */
    default void onReceipt(
        final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs,
        final ChannelType channel)
    {
        onReceipt(messageId, state, attempts, reason, atEpochMs);
    }

    /**
     * As above, with the receipt's position in the tenant's receipt stream (a journal position, growing): pass the
     * last one seen to {@link DispatchClient#resumeReceipts} to get every receipt after it. 0 from an engine too old
     * to send it, or for a change the engine could not journal (its disk was full). The client calls this method; by
     * default it drops the position and calls the six-argument one.
     */
    default void onReceipt(
        final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs,
        final ChannelType channel, final long position)
    {
        onReceipt(messageId, state, attempts, reason, atEpochMs, channel);
    }

    /**
     * The engine skipped receipts because this connection read too slowly; STATUS still answers.
     *
     * @param count how many receipts were not sent.
     */
    default void onReceiptsDropped(final int count)
    {
    }
}
