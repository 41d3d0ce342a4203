package io.dispatch.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the messages a connector lane is responsible for, from ingest until the provider accepts them
 * or they end. Ingest acquires before publishing; the lane (or the hand-off, for duplicates) releases.
 * Bounding this count bounds the lane's queues and retry set, so the hand-off stage never blocks and a
 * stalled provider turns into withheld credit instead of heap growth. Thread-safe, lock-free.
 */
public final class LaneAdmission
{
    private final AtomicLong inSystem = new AtomicLong();
    private final long capacity;
    private final long highWater;

    public LaneAdmission(final long capacity)
    {
        this.capacity = capacity;
        this.highWater = capacity * 9 / 10;
    }

    public boolean tryAcquire()
    {
        if (inSystem.get() >= capacity)
        {
            return false;
        }
        inSystem.incrementAndGet();
        return true;
    }

    /** Recovery re-admits what the journal says is pending, even beyond capacity. */
    public void forceAcquire()
    {
        inSystem.incrementAndGet();
    }

    public void release()
    {
        inSystem.decrementAndGet();
    }

    public boolean isAboveHighWater()
    {
        return inSystem.get() >= highWater;
    }

    public long inSystem()
    {
        return inSystem.get();
    }

    public long capacity()
    {
        return capacity;
    }
}
