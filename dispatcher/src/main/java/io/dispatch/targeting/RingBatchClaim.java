package io.dispatch.targeting;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;

/**
 * Claims dispatch-ring slots for the targeting thread in batches, and only above its port's reserve
 * ({@link io.dispatch.ring.RingPorts#targeting()}): the rest of the ring stays for the clients, so their SUBMITs
 * never wait for a slot behind a campaign fan-out or a directory import. One claim and one publish (one wake-up of the ring's consumer) per batch
 * instead of per event. Claimed slots must all be published, each filled through its producer's translator or
 * reset to a {@link DispatchEvent#NOOP}.
 * <p>
 * <b>Note:</b> one thread.
 */
final class RingBatchClaim
{
    static final int BATCH = 256;

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private long first;
    private long last;

    RingBatchClaim(final RingBuffer<DispatchEvent> ring, final RingPort port)
    {
        this.ring = ring;
        this.port = port;
    }

    /** @return how many slots were claimed ({@link #first()}..{@link #last()}), at most {@code wanted}; 0 when full. */
    int tryClaim(final int wanted)
    {
        final int n = port.batchRoom(ring, Math.min(BATCH, Math.max(1, wanted)));
        if (n == 0)
        {
            return 0;
        }
        try
        {
            last = ring.tryNext(n);
        }
        catch (final InsufficientCapacityException ex)
        {
            return 0;
        }
        first = last - n + 1;
        return n;
    }

    long first()
    {
        return first;
    }

    long last()
    {
        return last;
    }
}
