package io.dispatch.util;

/**
 * A token bucket in milli-tokens on an epoch-millisecond clock. {@link #reserve} may take the bucket into
 * debt, which turns a burst of deferrals into an evenly paced queue of re-entry times instead of a
 * thundering herd at the next refill. Rate 0 means unlimited. <b>Note:</b> not thread-safe; one owner.
 */
public final class TokenBucket
{
    private static final long MILLI = 1000;
    private static final long MAX_EXACT_ELAPSED_MS = 86_400_000L;

    private long perSecond;
    private long capacityMilli;
    private long tokensMilli;
    private long lastMs;

    public TokenBucket(final long perSecond, final long burst, final long nowMs)
    {
        this.lastMs = nowMs;
        configure(perSecond, burst, nowMs);
        tokensMilli = capacityMilli;
    }

    /** Changes the rate at runtime; tokens already held are kept up to the new capacity. */
    public void configure(final long perSecond, final long burst, final long nowMs)
    {
        refill(nowMs);
        this.perSecond = perSecond;
        this.capacityMilli = Math.max(1, burst > 0 ? burst : perSecond) * MILLI;
        tokensMilli = Math.min(tokensMilli, capacityMilli);
    }

    public boolean isUnlimited()
    {
        return perSecond <= 0;
    }

    public long perSecond()
    {
        return perSecond;
    }

    /** @return true and takes one token if one is available now. */
    public boolean tryTake(final long nowMs)
    {
        if (perSecond <= 0)
        {
            return true;
        }
        refill(nowMs);
        if (tokensMilli >= MILLI)
        {
            tokensMilli -= MILLI;
            return true;
        }
        return false;
    }

    /** @return how long until a token would be available, without taking it (0 = now). */
    public long waitMs(final long nowMs)
    {
        if (perSecond <= 0)
        {
            return 0;
        }
        refill(nowMs);
        final long missing = MILLI - tokensMilli;
        return missing <= 0 ? 0 : (missing + perSecond - 1) / perSecond;
    }

    /**
     * Takes a token now or from the future: the caller may send after the returned delay and must not
     * take again for that message.
     *
     * @return the delay in ms after which the reserved token is due (0 = now).
     */
    public long reserve(final long nowMs)
    {
        final long wait = waitMs(nowMs);
        if (perSecond > 0)
        {
            tokensMilli -= MILLI;
        }
        return wait;
    }

    /** Returns a token taken by {@link #tryTake} or {@link #reserve} that was not used. */
    public void giveBack()
    {
        if (perSecond > 0)
        {
            tokensMilli = Math.min(capacityMilli, tokensMilli + MILLI);
        }
    }

    private void refill(final long nowMs)
    {
        final long elapsed = nowMs - lastMs;
        if (elapsed > 0)
        {
            // perSecond tokens per 1000 ms = perSecond milli-tokens per ms; a very long pause refills fully
            // (and cannot overflow the product)
            tokensMilli = elapsed > MAX_EXACT_ELAPSED_MS ? capacityMilli :
                Math.min(capacityMilli, tokensMilli + elapsed * perSecond);
            lastMs = nowMs;
        }
    }
}
