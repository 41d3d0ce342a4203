package io.dispatch.connector.runtime;

import io.dispatch.config.RateSettings;
import io.dispatch.config.ThrottleSettings;

/**
 * Decides whether the lane may send one more message now, and of which class. Two token buckets split
 * the lane's rate: the reserved bucket ({@code reservedPercent} of the rate) serves only priority
 * messages (informational, auth); the shared bucket (the rest) serves marketing and, when the reserved
 * one is empty, priority too. The window is split the same way: marketing never holds more than its share
 * of the in-flight slots, so a priority message always finds a slot within one provider round trip.
 * {@link AdaptiveRate} scales rate and window down on throttling and back up on success.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class LaneGate
{
    private final int window;
    private final AdaptiveRate adaptive;
    private RateSettings settings;
    private TokenBucket reserved;
    private TokenBucket shared;
    private int windowLimit;
    private int bulkWindowLimit;
    private boolean lastFromReserved;

    LaneGate(final int window, final RateSettings settings, final ThrottleSettings throttle, final long nowMs)
    {
        this.window = window;
        this.adaptive = new AdaptiveRate(throttle, nowMs);
        apply(settings, nowMs);
    }

    /** Takes new settings (admin endpoint); the speed factor from throttling is kept. */
    void apply(final RateSettings newSettings, final long nowMs)
    {
        this.settings = newSettings;
        rescale(nowMs);
    }

    boolean tryPriority(final long nowMs, final int inFlight)
    {
        if (inFlight >= windowLimit)
        {
            return false;
        }
        if (settings.unlimited())
        {
            return true;
        }
        lastFromReserved = reserved.tryAcquire(nowMs);
        return lastFromReserved || shared.tryAcquire(nowMs);
    }

    boolean tryBulk(final long nowMs, final int inFlight, final int bulkInFlight)
    {
        if (inFlight >= windowLimit || bulkInFlight >= bulkWindowLimit)
        {
            return false;
        }
        lastFromReserved = false;
        return settings.unlimited() || shared.tryAcquire(nowMs);
    }

    /** Returns the token of the last successful try: its message ended or moved without a send. */
    void refund(final boolean priority)
    {
        if (!settings.unlimited())
        {
            (priority && lastFromReserved ? reserved : shared).refund();
        }
    }

    boolean isPaused(final long nowMs)
    {
        return adaptive.isPaused(nowMs);
    }

    /** @return true when it started a new throttle episode (the speed was cut). */
    boolean onThrottle(final long nowMs, final long sentAtMs, final long retryAfterMs)
    {
        if (adaptive.onThrottle(nowMs, sentAtMs, retryAfterMs))
        {
            rescale(nowMs);
            return true;
        }
        return false;
    }

    void onSuccess()
    {
        adaptive.onSuccess();
    }

    void tick(final long nowMs)
    {
        if (adaptive.tick(nowMs))
        {
            rescale(nowMs);
        }
    }

    RateSettings settings()
    {
        return settings;
    }

    double factor()
    {
        return adaptive.factor();
    }

    /** @return the rate in force now (configured × factor), or 0 when unlimited. */
    double effectiveRatePerSecond()
    {
        return settings.unlimited() ? 0 : settings.perSecond() * adaptive.factor();
    }

    int windowLimit()
    {
        return windowLimit;
    }

    int bulkWindowLimit()
    {
        return bulkWindowLimit;
    }

    long pausedUntilMs()
    {
        return adaptive.pausedUntilMs();
    }

    long throttleEpisodes()
    {
        return adaptive.episodes();
    }

    private void rescale(final long nowMs)
    {
        final double f = adaptive.factor();
        final int percent = settings.reservedPercent();
        windowLimit = Math.max(1, (int)(window * f));
        final int reservedSlots;
        if (percent == 0 || windowLimit == 1 && percent < 100)
        {
            reservedSlots = 0;
        }
        else
        {
            // at least one slot reserved, at least one left for marketing unless it gets nothing at all
            final int wanted = Math.max(1, (int)Math.ceil(windowLimit * percent / 100.0));
            reservedSlots = percent == 100 ? windowLimit : Math.min(windowLimit - 1, wanted);
        }
        bulkWindowLimit = windowLimit - reservedSlots;
        if (settings.unlimited())
        {
            reserved = null;
            shared = null;
            return;
        }
        final double rate = settings.perSecond() * f;
        final double reservedRate = rate * percent / 100.0;
        final double burst = Math.max(1.0, settings.burst() * f);
        final double reservedBurst = percent == 0 ? 0 : Math.max(1.0, burst * percent / 100.0);
        final double sharedBurst = percent == 100 ? 0 : Math.max(1.0, burst - reservedBurst);
        if (reserved == null)
        {
            reserved = new TokenBucket(reservedRate, reservedBurst, nowMs);
            shared = new TokenBucket(rate - reservedRate, sharedBurst, nowMs);
        }
        else
        {
            reserved.reset(reservedRate, reservedBurst, nowMs);
            shared.reset(rate - reservedRate, sharedBurst, nowMs);
        }
    }
}
