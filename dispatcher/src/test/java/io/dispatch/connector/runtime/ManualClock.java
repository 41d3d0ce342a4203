package io.dispatch.connector.runtime;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/** A clock the test moves by hand; epoch milliseconds and nanoseconds move together. */
final class ManualClock implements EpochClock, NanoClock
{
    private volatile long nowMs;

    ManualClock(final long startMs)
    {
        this.nowMs = startMs;
    }

    void advance(final long ms)
    {
        nowMs += ms;
    }

    @Override
    public long time()
    {
        return nowMs;
    }

    @Override
    public long nanoTime()
    {
        return nowMs * 1_000_000L;
    }
}
