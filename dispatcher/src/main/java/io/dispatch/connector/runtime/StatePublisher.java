package io.dispatch.connector.runtime;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;

/**
 * Collects a lane's state changes and publishes them into the ring in batches (one ring event, one
 * journal document per {@link #flush()}, at most {@link StateRecords#MAX_PER_BATCH} changes). The journal
 * stage appends them and the status stage routes receipts. Claims block while the ring is full; that is
 * safe because no ring stage waits on a lane (admission keeps lane queues from filling) and ingest stops
 * at the high-water mark, leaving room for state changes.
 * <p>
 * <b>Note:</b> not thread-safe; one per lane, used on the lane thread.
 */
public final class StatePublisher implements StateSink
{
    private final RingBuffer<DispatchEvent> ring;
    private final byte[] pending = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
    private int count;
    private long lastSequence = -1;

    public StatePublisher(final RingBuffer<DispatchEvent> ring)
    {
        this.ring = ring;
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
        final long sequence = ring.next();
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.FALLBACK;
        e.session = null;
        e.sessionRef = 0;
        e.messageId = messageId;
        e.channel = channel;
        e.reason = (short)trigger.code();
        e.acceptedAtMs = atMs;
        e.newState = 0;
        ring.publish(sequence);
        lastSequence = sequence;
    }

    @Override
    public void lateReceipt(final long messageId, final byte channel, final DeliveryState state, final Reason reason,
        final long atMs)
    {
        flush();
        final long sequence = ring.next();
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.LATE_RECEIPT;
        e.session = null;
        e.sessionRef = 0;
        e.messageId = messageId;
        e.channel = channel;
        e.newState = state.code();
        e.reason = (short)reason.code();
        e.acceptedAtMs = atMs;
        ring.publish(sequence);
        lastSequence = sequence;
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
        final long sequence = ring.next();
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.STATE;
        e.session = null;
        e.sessionRef = 0;
        e.stateCount = count;
        final int length = count * StateRecords.LENGTH;
        System.arraycopy(pending, 0, e.ensureBodyCapacity(length), 0, length);
        e.bodyLength = length;
        ring.publish(sequence);
        count = 0;
        lastSequence = sequence;
        return sequence;
    }
}
