package io.dispatch.connector.runtime;

/**
 * A token bucket on an injected millisecond clock: {@code ratePerSecond} tokens flow in, at most
 * {@code capacity} are kept. Fractional tokens accumulate, so low rates (10/s for an SMPP bind) and high
 * rates (10,000/s for FCM's 600k/min) are both exact over time. A rate of 0 admits nothing.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class TokenBucket
{
    private double ratePerMs;
    private double capacity;
    private double tokens;
    private long lastRefillMs;

    TokenBucket(final double ratePerSecond, final double capacity, final long nowMs)
    {
        this.lastRefillMs = nowMs;
        reset(ratePerSecond, capacity, nowMs);
        this.tokens = this.capacity;
    }

    /** Changes rate and capacity, keeping the tokens already earned (up to the new capacity). */
    void reset(final double ratePerSecond, final double capacity, final long nowMs)
    {
        refill(nowMs);
        this.ratePerMs = ratePerSecond / 1000.0;
        this.capacity = Math.max(0.0, capacity);
        this.tokens = Math.min(tokens, this.capacity);
    }

    boolean tryAcquire(final long nowMs)
    {
        refill(nowMs);
        if (tokens >= 1.0)
        {
            tokens -= 1.0;
            return true;
        }
        return false;
    }

    /** Gives back a token taken for a send that did not happen (the message had expired or moved). */
    void refund()
    {
        tokens = Math.min(capacity, tokens + 1.0);
    }

    /** @return whole tokens available now. */
    long available(final long nowMs)
    {
        refill(nowMs);
        return (long)tokens;
    }

    double ratePerSecond()
    {
        return ratePerMs * 1000.0;
    }

    private void refill(final long nowMs)
    {
        final long elapsed = nowMs - lastRefillMs;
        if (elapsed > 0)
        {
            tokens = Math.min(capacity, tokens + elapsed * ratePerMs);
            lastRefillMs = nowMs;
        }
    }
}
