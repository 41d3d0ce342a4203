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
 * A lane without a configured rate is bounded by its window alone, which does not bound the rate against a
 * fast provider with a quota: every throttle would hit priority and marketing alike. So at its first throttle
 * episode such a lane <b>learns</b> a rate, the provider acceptances it observed over the last second (when at
 * least {@link #MIN_LEARNED_PER_SECOND}), and from
 * then on paces with the two buckets as if that rate were configured (AIMD re-learns it at every episode and
 * probes up to {@link #LEARNED_CEILING} times above it in between). The reserved share is then a share of what
 * the provider takes, so marketing cannot use the whole quota and leave OTPs to be throttled.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class LaneGate
{
    /** How far above a learned rate additive increase may probe before the next throttle re-learns it. */
    static final double LEARNED_CEILING = 2.0;
    /**
     * Below this observed rate a throttle is not taken as the lane's own volume meeting a quota (a handful of
     * sends a second cannot have caused it, or tell its size): the window alone keeps bounding the lane.
     */
    static final double MIN_LEARNED_PER_SECOND = 100;

    private final int window;
    private final AdaptiveRate adaptive;
    private RateSettings settings;
    /** Sends per second learned from the provider at the last throttle episode; 0 = none (configured or none). */
    private double learnedPerSecond;
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
        if (!newSettings.unlimited() && learnedPerSecond > 0)
        {
            learnedPerSecond = 0;
            adaptive.unlearn();
        }
        rescale(nowMs);
    }

    boolean tryPriority(final long nowMs, final int inFlight)
    {
        if (inFlight >= windowLimit)
        {
            return false;
        }
        if (reserved == null)
        {
            return true;
        }
        lastFromReserved = reserved.tryAcquire(nowMs);
        return lastFromReserved || shared.tryAcquire(nowMs);
    }

    boolean tryBulk(final long nowMs, final int inFlight, final int bulkInFlight)
    {
        if (inFlight >= windowLimit || bulkInFlight >= bulkWindowLimit || adaptive.isBulkPaused(nowMs))
        {
            return false;
        }
        lastFromReserved = false;
        return reserved == null || shared.tryAcquire(nowMs);
    }

    /** Returns the token of the last successful try: its message ended or moved without a send. */
    void refund(final boolean priority)
    {
        if (reserved != null)
        {
            (priority && lastFromReserved ? reserved : shared).refund();
        }
    }

    /** @return true while the provider's retry-after holds every class (a hint-less pause holds marketing only). */
    boolean isPaused(final long nowMs)
    {
        return adaptive.isPaused(nowMs);
    }

    /** @return true when it started a new throttle episode (the speed was cut). */
    boolean onThrottle(final long nowMs, final long sentAtMs, final long retryAfterMs)
    {
        if (adaptive.onThrottle(nowMs, sentAtMs, retryAfterMs))
        {
            final double observed = adaptive.observedPerSecond(nowMs);
            if (settings.unlimited() && observed >= MIN_LEARNED_PER_SECOND)
            {
                learnedPerSecond = observed;
                adaptive.relearn(LEARNED_CEILING);
            }
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

    /** @return the rate in force now (configured or learned × factor), or 0 when unlimited. */
    double effectiveRatePerSecond()
    {
        return baseRate() * adaptive.factor();
    }

    /** @return the rate learned from the provider at the last throttle episode, or 0. */
    double learnedPerSecond()
    {
        return learnedPerSecond;
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

    /** @return until when a message of the class cannot be sent because of a throttle pause. */
    long pausedUntilMs(final boolean priority)
    {
        return priority ? adaptive.hintedUntilMs() : adaptive.pausedUntilMs();
    }

    long throttleEpisodes()
    {
        return adaptive.episodes();
    }

    private double baseRate()
    {
        return settings.unlimited() ? learnedPerSecond : settings.perSecond();
    }

    private void rescale(final long nowMs)
    {
        final double f = adaptive.factor();
        final int percent = settings.reservedPercent();
        windowLimit = Math.max(1, (int)(window * Math.min(1.0, f)));
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
        final double base = baseRate();
        if (base == 0)
        {
            reserved = null;
            shared = null;
            return;
        }
        final double rate = base * f;
        final double reservedRate = rate * percent / 100.0;
        // a learned rate gets the configured default's depth: a tenth of a second's worth
        final double burst = Math.max(1.0, (settings.unlimited() ? base / 10 : settings.burst()) * f);
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
