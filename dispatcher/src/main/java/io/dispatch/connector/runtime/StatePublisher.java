package io.dispatch.connector.runtime;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;

/**
 * Publishes state changes into the ring, where the journal stage appends them and the status stage
 * routes receipts. Claims block while the ring is full; that is safe because no ring stage waits on a
 * lane (admission keeps lane queues from filling), and ingest stops at the high-water mark, leaving
 * room for state changes. Thread-safe (multi-producer ring).
 */
public final class StatePublisher
{
    private final RingBuffer<DispatchEvent> ring;

    public StatePublisher(final RingBuffer<DispatchEvent> ring)
    {
        this.ring = ring;
    }

    public void publish(
        final long messageId, final DeliveryState state, final int attempts, final byte channel, final Reason reason,
        final long atMs)
    {
        final long sequence = ring.next();
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.STATE;
        e.session = null;
        e.sessionRef = 0;
        e.messageId = messageId;
        e.state = state.code();
        e.attempts = (byte)Math.min(attempts, 127);
        e.channel = channel;
        e.reason = (short)reason.code();
        e.atMs = atMs;
        ring.publish(sequence);
    }
}
