package io.dispatch.targeting;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.ring.DispatchEvent;

/**
 * Claims dispatch-ring slots for the targeting thread in batches, and only while more than {@code reserve} slots
 * are free: the rest of the ring stays for the clients, so their SUBMITs never wait for a slot behind a campaign
 * fan-out or a directory import. One claim and one publish (one wake-up of the ring's consumer) per batch
 * instead of per event. Claimed slots must all be published, filled or as {@link DispatchEvent#NOOP}s.
 * <p>
 * <b>Note:</b> one thread.
 */
final class RingBatchClaim
{
    static final int BATCH = 256;

    private final RingBuffer<DispatchEvent> ring;
    private final long reserve;
    private long first;
    private long last;

    RingBatchClaim(final RingBuffer<DispatchEvent> ring, final long reserve)
    {
        this.ring = ring;
        this.reserve = reserve;
    }

    /** @return how many slots were claimed ({@link #first()}..{@link #last()}), at most {@code wanted}; 0 when full. */
    int tryClaim(final int wanted)
    {
        final long free = ring.remainingCapacity() - reserve;
        if (free <= 0)
        {
            return 0;
        }
        final int n = (int)Math.min(Math.min(BATCH, free), Math.max(1, wanted));
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
