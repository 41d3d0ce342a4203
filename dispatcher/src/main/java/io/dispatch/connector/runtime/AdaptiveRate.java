package io.dispatch.connector.runtime;

import io.dispatch.config.ThrottleSettings;

/**
 * AIMD speed control of a lane, driven by provider throttle signals (SMPP 0x58, HTTP 429, FCM
 * QUOTA_EXCEEDED). {@link #factor()} in [floor, 1] scales the lane's rate and window.
 * <ul>
 *   <li>Multiplicative decrease: a throttle cuts the factor once per episode. Throttles of sends that
 *       left before the last cut belong to the episode already answered (the provider saw them at the
 *       old speed), so a window full of 429s cuts once, not 64 times.</li>
 *   <li>Pause: a throttle with the provider's retry-after holds every send until then; one without a hint
 *       holds marketing for the configured pause ({@link #isBulkPaused}) while the cut rate paces the rest, so
 *       an OTP is not parked for a pause that marketing's volume caused.</li>
 *   <li>Additive increase: each second that saw a success and no throttle adds a fixed step back, up to the
 *       ceiling (1 for a configured rate; above 1 when the lane learned its rate from the provider, so it keeps
 *       probing for more).</li>
 * </ul>
 * It also counts successes per second, the provider's observed acceptance rate, from which a lane without a
 * configured rate learns one at its first throttle ({@link LaneGate}).
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class AdaptiveRate
{
    private static final long STEP_MS = 1_000;

    private final double cut;
    private final double floor;
    private final double step;
    private final long defaultPauseMs;
    private double factor = 1.0;
    private double ceiling = 1.0;
    private long lastCutMs = Long.MIN_VALUE;
    private long pausedUntilMs = Long.MIN_VALUE;
    private long hintedUntilMs = Long.MIN_VALUE;
    private long stepStartMs;
    private boolean successInStep;
    private long successesInStep;
    private long successesLastStep;
    private boolean throttleInStep;
    private long episodes;

    AdaptiveRate(final ThrottleSettings settings, final long nowMs)
    {
        this.cut = settings.cutPercent() / 100.0;
        this.floor = settings.floorPercent() / 100.0;
        this.step = settings.recoveryPercentPerSecond() / 100.0;
        this.defaultPauseMs = settings.pauseMs();
        this.stepStartMs = nowMs;
    }

    /**
     * @param sentAtMs     when the throttled request was sent.
     * @param retryAfterMs the provider's hint, or 0.
     * @return true when this throttle started a new episode and cut the speed.
     */
    boolean onThrottle(final long nowMs, final long sentAtMs, final long retryAfterMs)
    {
        // only priority is sent during a pause: its throttles are the provider still refusing, the same episode
        final boolean sentInPause = sentAtMs < pausedUntilMs;
        pausedUntilMs = Math.max(pausedUntilMs, nowMs + (retryAfterMs > 0 ? retryAfterMs : defaultPauseMs));
        if (retryAfterMs > 0)
        {
            hintedUntilMs = Math.max(hintedUntilMs, nowMs + retryAfterMs);
        }
        throttleInStep = true;
        if (sentAtMs < lastCutMs || sentInPause)
        {
            return false;
        }
        factor = Math.max(floor, factor * cut);
        // sends in the same millisecond as the cut still count as "before it"
        lastCutMs = nowMs + 1;
        episodes++;
        return true;
    }

    void onSuccess()
    {
        successInStep = true;
        successesInStep++;
    }

    /** Starts over at {@code cut} below a newly learned rate, which it may then grow past (up to {@code max}). */
    void relearn(final double max)
    {
        factor = Math.max(floor, cut);
        ceiling = max;
    }

    /** Back to a configured rate: the factor never grows past it. */
    void unlearn()
    {
        ceiling = 1.0;
        factor = Math.min(factor, 1.0);
    }

    /** @return provider acceptances per second over the last full second and the current one, at least 1. */
    double observedPerSecond(final long nowMs)
    {
        final long elapsedMs = Math.max(1, nowMs - stepStartMs);
        final double perSecond = successesLastStep == 0 ?
            successesInStep * 1000.0 / elapsedMs : (successesLastStep + successesInStep) * 1000.0 / (STEP_MS + elapsedMs);
        return Math.max(1.0, perSecond);
    }

    /** @return true when the factor changed (the caller rescales its buckets). */
    boolean tick(final long nowMs)
    {
        if (nowMs - stepStartMs < STEP_MS)
        {
            return false;
        }
        final boolean grow = factor < ceiling && successInStep && !throttleInStep;
        successesLastStep = nowMs - stepStartMs < 2 * STEP_MS ? successesInStep : 0;
        stepStartMs = nowMs;
        successInStep = false;
        successesInStep = 0;
        throttleInStep = false;
        if (grow)
        {
            factor = Math.min(ceiling, factor + step);
            return true;
        }
        return false;
    }

    /** @return true while the provider's retry-after holds every send. */
    boolean isPaused(final long nowMs)
    {
        return nowMs < hintedUntilMs;
    }

    /** @return true while any throttle pause holds marketing. */
    boolean isBulkPaused(final long nowMs)
    {
        return nowMs < pausedUntilMs;
    }

    /** @return the end of the pause marketing waits for (the later of both pauses). */
    long pausedUntilMs()
    {
        return pausedUntilMs;
    }

    /** @return the end of the pause every class waits for (the provider's retry-after). */
    long hintedUntilMs()
    {
        return hintedUntilMs;
    }

    double factor()
    {
        return factor;
    }

    long episodes()
    {
        return episodes;
    }
}
