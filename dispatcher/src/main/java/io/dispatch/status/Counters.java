package io.dispatch.status;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lock-free counters, one padded cache line each so threads counting different things do not
 * false-share. Safe from any thread.
 */
public final class Counters
{
    private static final int PAD = 16;

    private final AtomicLongArray values = new AtomicLongArray((maxId() + 1) * PAD);

    // ids are stable and may have gaps (a retired counter keeps its id), so size by the largest
    private static int maxId()
    {
        int max = 0;
        for (final Counter c : Counter.values())
        {
            max = Math.max(max, c.id());
        }
        return max;
    }

    public void increment(final Counter counter)
    {
        values.getAndIncrement(counter.id() * PAD);
    }

    public void add(final Counter counter, final long delta)
    {
        values.getAndAdd(counter.id() * PAD, delta);
    }

    public long get(final Counter counter)
    {
        return values.get(counter.id() * PAD);
    }
}
