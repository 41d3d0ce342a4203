package io.dispatch.connector.runtime;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;

/**
 * Collects a lane's state changes and publishes them into the ring in batches (one ring event, one
 * journal document per {@link #flush()}, at most {@link StateRecords#MAX_PER_BATCH} changes). The journal
 * stage appends them and the status stage routes receipts. Claims block while the ring is full
 * ({@code RingPorts#lanes}); that is safe because no ring stage waits on a lane (admission keeps lane queues
 * from filling) and ingest stops at the high-water mark, leaving room for state changes.
 * <p>
 * <b>Note:</b> not thread-safe; one per lane, used on the lane thread.
 */
public final class StatePublisher implements StateSink
{
    /** Fills a slot with the batch of state changes collected so far. */
    static final EventTranslatorOneArg<DispatchEvent, StatePublisher> STATE = StatePublisher::translateState;
    /** Fills a slot with the lane's move of a message to its fallback channel (the {@code single*} fields). */
    static final EventTranslatorOneArg<DispatchEvent, StatePublisher> FALLBACK = StatePublisher::translateFallback;
    /** Fills a slot with a receipt that came after the lane's receipt deadline (the {@code single*} fields). */
    static final EventTranslatorOneArg<DispatchEvent, StatePublisher> LATE_RECEIPT = StatePublisher::translateLate;

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final byte[] pending = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
    private int count;
    private long lastSequence = -1;
    /** The fallback or late receipt being published. */
    private long singleMessageId;
    private byte singleChannel;
    private byte singleState;
    private short singleReason;
    private long singleAtMs;

    /** @param port the lanes' port ({@code RingPorts#lanes}): no reserve, and a claim waits for room. */
    public StatePublisher(final RingBuffer<DispatchEvent> ring, final RingPort port)
    {
        this.ring = ring;
        this.port = port;
    }

    @Override
    public void publish(
        final long messageId, final DeliveryState state, final int attempts, final byte channel, final Reason reason,
        final long atMs)
    {
        StateRecords.put(pending, count * StateRecords.LENGTH, messageId, atMs, state.code(),
            (byte)Math.min(attempts, 127), channel, (short)reason.code());
        if (++count == StateRecords.MAX_PER_BATCH)
        {
            flush();
        }
    }

    @Override
    public void fallBack(final long messageId, final byte channel, final Reason trigger, final long atMs,
        final boolean priority)
    {
        flush(); // the move follows the message's earlier state changes in the journal
        single(messageId, channel, (byte)0, trigger, atMs);
        lastSequence = port.publish(ring, FALLBACK, this);
    }

    @Override
    public void lateReceipt(final long messageId, final byte channel, final DeliveryState state, final Reason reason,
        final long atMs)
    {
        flush();
        single(messageId, channel, state.code(), reason, atMs);
        lastSequence = port.publish(ring, LATE_RECEIPT, this);
    }

    /**
     * Publishes what was collected; called at the end of every lane duty cycle.
     *
     * @return the ring sequence of the last event published: journaled once the ring's last consumers
     * passed it ({@code RingBuffer#getMinimumGatingSequence}).
     */
    @Override
    public long flush()
    {
        if (count == 0)
        {
            return lastSequence;
        }
        lastSequence = port.publish(ring, STATE, this);
        count = 0;
        return lastSequence;
    }

    private static void translateState(final DispatchEvent e, final long sequence, final StatePublisher p)
    {
        e.reset(DispatchEvent.STATE);
        e.stateCount = p.count;
        final int length = p.count * StateRecords.LENGTH;
        System.arraycopy(p.pending, 0, e.ensureBodyCapacity(length), 0, length);
        e.bodyLength = length;
    }

    private static void translateFallback(final DispatchEvent e, final long sequence, final StatePublisher p)
    {
        e.reset(DispatchEvent.FALLBACK);
        p.fillSingle(e);
    }

    private static void translateLate(final DispatchEvent e, final long sequence, final StatePublisher p)
    {
        e.reset(DispatchEvent.LATE_RECEIPT);
        p.fillSingle(e);
    }

    private void single(
        final long messageId, final byte channel, final byte state, final Reason reason, final long atMs)
    {
        singleMessageId = messageId;
        singleChannel = channel;
        singleState = state;
        singleReason = (short)reason.code();
        singleAtMs = atMs;
    }

    /** A fallback's new state stays 0: the policy stage decides it on the new channel. */
    private void fillSingle(final DispatchEvent e)
    {
        e.messageId = singleMessageId;
        e.channel = singleChannel;
        e.newState = singleState;
        e.reason = singleReason;
        e.acceptedAtMs = singleAtMs;
    }
}
