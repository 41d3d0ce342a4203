package io.dispatch.status;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the messages a connector lane is responsible for, from ingest until the provider accepts them
 * or they end. Ingest acquires before publishing; the lane (or the hand-off, for duplicates) releases.
 * Bounding this count bounds the lane's queues and retry set, so the hand-off stage never blocks and a
 * stalled provider turns into withheld credit instead of heap growth. Thread-safe, lock-free.
 * <p>
 * The count is kept per class. Marketing may hold at most {@code 100 - reservedPercent} % of the capacity
 * (the lane's {@code reservedPercent}, the share of rate and window it never gets either); informational
 * and auth messages may use the whole capacity except what marketing holds within its share. So a campaign
 * or a bulk client that fills its share never gets an OTP refused: see docs/design/class-isolation.md.
 */
public final class LaneAdmission
{
    private final AtomicLong priority = new AtomicLong();
    private final AtomicLong bulk = new AtomicLong();
    private final long capacity;
    private final long highWater;
    private volatile long bulkCapacity;
    private volatile long bulkHighWater;

    /** A lane with no reserved share: marketing may take all of it (tests and tools). */
    public LaneAdmission(final long capacity)
    {
        this(capacity, 0);
    }

    public LaneAdmission(final long capacity, final int reservedPercent)
    {
        this.capacity = capacity;
        this.highWater = capacity * 9 / 10;
        reserve(reservedPercent);
    }

    /** Any thread: the share marketing can never take changes (the lane's rate settings changed). */
    public void reserve(final int reservedPercent)
    {
        final long share = reservedPercent <= 0 ? capacity : capacity * (100 - Math.min(100, reservedPercent)) / 100;
        bulkHighWater = share * 9 / 10;
        bulkCapacity = share;
    }

    /** @return false when the lane has no room for a message of this class: the caller refuses or retries it. */
    public boolean tryAcquire(final boolean isPriority)
    {
        final long b = bulk.get();
        if (isPriority)
        {
            // marketing held beyond its share (recovery, fallbacks) never takes the reserved share
            if (priority.get() + Math.min(b, bulkCapacity) >= capacity)
            {
                return false;
            }
            priority.incrementAndGet();
            return true;
        }
        if (b >= bulkCapacity || b + priority.get() >= capacity)
        {
            return false;
        }
        bulk.incrementAndGet();
        return true;
    }

    /** Recovery and fallbacks re-admit what the journal says is pending, even beyond capacity. */
    public void forceAcquire(final boolean isPriority)
    {
        (isPriority ? priority : bulk).incrementAndGet();
    }

    public void release(final boolean isPriority)
    {
        (isPriority ? priority : bulk).decrementAndGet();
    }

    /**
     * Credit is withheld from a connection when the next message of its class could soon be refused: for
     * marketing, at 90 % of the marketing share; for informational and auth, at 90 % of what they may use.
     */
    public boolean isAboveHighWater(final boolean isPriority)
    {
        final long b = bulk.get();
        if (priority.get() + Math.min(b, bulkCapacity) >= highWater)
        {
            return true;
        }
        // an empty share (reservedPercent 100) withholds nothing: marketing is refused there, not paused
        return !isPriority && (b >= Math.max(1, bulkHighWater) || b + priority.get() >= highWater);
    }

    public long inSystem()
    {
        return priority.get() + bulk.get();
    }

    /** @return marketing messages held (the rest of {@link #inSystem()} is informational and auth). */
    public long bulkInSystem()
    {
        return bulk.get();
    }

    public long capacity()
    {
        return capacity;
    }

    /** @return how many marketing messages the lane admits at most. */
    public long bulkCapacity()
    {
        return bulkCapacity;
    }
}
