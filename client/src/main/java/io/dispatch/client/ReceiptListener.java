package io.dispatch.client;

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
     * The engine skipped receipts because this connection read too slowly; STATUS still answers.
     *
     * @param count how many receipts were not sent.
     */
    default void onReceiptsDropped(final int count)
    {
    }
}
