package io.dispatch.connector.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded single-producer single-consumer queue of longs (message ids), power-of-two capacity.
 * {@code offer} from one thread, {@code poll} from one other thread; lock-free, allocation-free.
 * Each value may carry a stamp (the hand-off time), stored in its slot before the tail moves, so the consumer
 * sees it with the value; {@link #polledStamp()} gives the stamp of the last value polled.
 */
final class LongSpscQueue
{
    private final long[] buffer;
    private final long[] stamps;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private long cachedHead;
    private long polledStamp;

    LongSpscQueue(final int capacity)
    {
        final int n = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        buffer = new long[n];
        stamps = new long[n];
        mask = n - 1;
    }

    boolean offer(final long value, final long stamp)
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
        stamps[(int)(t & mask)] = stamp;
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
        polledStamp = stamps[(int)(h & mask)];
        head.lazySet(h + 1);
        return v;
    }

    /** Consumer thread only: the next value without taking it, or {@code empty}. */
    long peek(final long empty)
    {
        final long h = head.get();
        return h >= tail.get() ? empty : buffer[(int)(h & mask)];
    }

    /** Consumer thread only: the stamp offered with the value the last {@link #poll} returned (0 for none). */
    long polledStamp()
    {
        return polledStamp;
    }

    int size()
    {
        return (int)(tail.get() - head.get());
    }
}
