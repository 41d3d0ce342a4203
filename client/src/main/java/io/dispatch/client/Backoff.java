package io.dispatch.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delay with jitter: attempt n waits a random time in [d/2, d] where
 * d = min(max, min * 2^n), so clients dropped together do not reconnect together.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the I/O thread.
 */
final class Backoff
{
    private final long minMs;
    private final long maxMs;
    private long ceilingMs;
    private int attempt;

    Backoff(final long minMs, final long maxMs)
    {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.ceilingMs = minMs;
    }

    long nextDelayMs()
    {
        final long ceiling = ceilingMs;
        // Doubling by comparison, not by shifting, so that a long outage cannot overflow into a negative delay.
        ceilingMs = ceiling > maxMs / 2 ? maxMs : Math.min(maxMs, ceiling * 2);
        attempt++;
        final long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }

    void reset()
    {
        ceilingMs = minMs;
        attempt = 0;
    }

    int attempts()
    {
        return attempt;
    }
}
