package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

/** A nano clock moved by hand. Not thread-safe: tests drive everything from one thread. */
final class ManualClock implements NanoClock
{
    private long nowNs;

    ManualClock(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    void set(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    void advance(final long deltaNs)
    {
        nowNs += deltaNs;
    }
}
