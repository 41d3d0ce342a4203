package io.dispatch.connector.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded single-producer single-consumer queue of longs (message ids), power-of-two capacity.
 * {@code offer} from one thread, {@code poll} from one other thread; lock-free, allocation-free.
 */
final class LongSpscQueue
{
    private final long[] buffer;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private long cachedHead;

    LongSpscQueue(final int capacity)
    {
        final int n = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        buffer = new long[n];
        mask = n - 1;
    }

    boolean offer(final long value)
    {
        final long t = tail.get();
        if (t - cachedHead >= buffer.length)
        {
            cachedHead = head.get();
            if (t - cachedHead >= buffer.length)
            {
                return false;
            }
        }
        buffer[(int)(t & mask)] = value;
        tail.lazySet(t + 1);
        return true;
    }

    /** @return the next value, or {@code empty} when there is none. */
    long poll(final long empty)
    {
        final long h = head.get();
        if (h >= tail.get())
        {
            return empty;
        }
        final long v = buffer[(int)(h & mask)];
        head.lazySet(h + 1);
        return v;
    }

    /** Consumer thread only: the next value without taking it, or {@code empty}. */
    long peek(final long empty)
    {
        final long h = head.get();
        return h >= tail.get() ? empty : buffer[(int)(h & mask)];
    }

    int size()
    {
        return (int)(tail.get() - head.get());
    }
}
