package io.dispatch.ring;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

/**
 * One producer's door into the dispatch ring: it claims a slot only while at least {@link #reserve()} slots are
 * free, so the last ones stay for the producers with a smaller reserve ({@link RingPorts}). A port holds no ring
 * and no state: one instance serves every thread of its producer.
 */
public final class RingPort
{
    /** What {@code tryPublish} returns when the port has no room: a ring sequence is never negative. */
    public static final long NO_ROOM = -1;

    private final String name;
    private final long reserve;

    public RingPort(final String name, final long reserve)
    {
        this.name = name;
        this.reserve = reserve;
    }

    /** @return the name the reserve table in docs/design/ring-topology.md uses. */
    public String name()
    {
        return name;
    }

    /** @return how many slots must be free for this port to claim one (a batch leaves them all free). */
    public long reserve()
    {
        return reserve;
    }

    /** @return whether the port may claim one slot now. */
    public boolean hasRoom(final RingBuffer<?> ring)
    {
        return ring.remainingCapacity() >= reserve;
    }

    /** @return how many slots a batch may claim now, at most {@code wanted}, leaving the reserve free; 0 for none. */
    public int batchRoom(final RingBuffer<?> ring, final int wanted)
    {
        final long free = ring.remainingCapacity() - reserve;
        return free <= 0 ? 0 : (int)Math.min(free, wanted);
    }

    /**
     * Claims a slot, waiting for one while the ring is full, fills it through the translator and publishes it: for
     * the lanes' port only, which has no reserve (no ring stage waits on a lane, so the wait always ends).
     *
     * @return the sequence published.
     */
    public <A> long publish(
        final RingBuffer<DispatchEvent> ring, final EventTranslatorOneArg<DispatchEvent, A> translator, final A a)
    {
        final long sequence = ring.next();
        try
        {
            translator.translateTo(ring.get(sequence), sequence, a);
        }
        finally
        {
            ring.publish(sequence);
        }
        return sequence;
    }

    /**
     * Claims, fills through the translator and publishes one slot if the port has room, as
     * {@code RingBuffer#tryPublishEvent} does, but tells which sequence (callers wait for the stages to pass it).
     *
     * @return the sequence published, or {@link #NO_ROOM}.
     */
    public <A> long tryPublish(
        final RingBuffer<DispatchEvent> ring, final EventTranslatorOneArg<DispatchEvent, A> translator, final A a)
    {
        final long sequence = tryClaim(ring);
        if (sequence != NO_ROOM)
        {
            try
            {
                translator.translateTo(ring.get(sequence), sequence, a);
            }
            finally
            {
                ring.publish(sequence);
            }
        }
        return sequence;
    }

    /** As {@link #tryPublish(RingBuffer, EventTranslatorOneArg, Object)} with three arguments. */
    public <A, B, C> long tryPublish(
        final RingBuffer<DispatchEvent> ring, final EventTranslatorThreeArg<DispatchEvent, A, B, C> translator,
        final A a, final B b, final C c)
    {
        final long sequence = tryClaim(ring);
        if (sequence != NO_ROOM)
        {
            try
            {
                translator.translateTo(ring.get(sequence), sequence, a, b, c);
            }
            finally
            {
                ring.publish(sequence);
            }
        }
        return sequence;
    }

    private long tryClaim(final RingBuffer<DispatchEvent> ring)
    {
        if (!hasRoom(ring))
        {
            return NO_ROOM;
        }
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return NO_ROOM;
        }
    }

    @Override
    public String toString()
    {
        return name + " reserve=" + reserve;
    }
}
