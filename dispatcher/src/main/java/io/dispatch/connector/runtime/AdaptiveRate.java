package io.dispatch.connector.runtime;

import io.dispatch.config.ThrottleSettings;

/**
 * AIMD speed control of a lane, driven by provider throttle signals (SMPP 0x58, HTTP 429, FCM
 * QUOTA_EXCEEDED). {@link #factor()} in [floor, 1] scales the lane's rate and window.
 * <ul>
 *   <li>Multiplicative decrease: a throttle cuts the factor once per episode. Throttles of sends that
 *       left before the last cut belong to the episode already answered (the provider saw them at the
 *       old speed), so a window full of 429s cuts once, not 64 times.</li>
 *   <li>Pause: every throttle holds all sends until its retry-after (or the configured pause).</li>
 *   <li>Additive increase: each second that saw a success and no throttle adds a fixed step back.</li>
 * </ul>
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
    private long lastCutMs = Long.MIN_VALUE;
    private long pausedUntilMs = Long.MIN_VALUE;
    private long stepStartMs;
    private boolean successInStep;
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
        pausedUntilMs = Math.max(pausedUntilMs, nowMs + (retryAfterMs > 0 ? retryAfterMs : defaultPauseMs));
        throttleInStep = true;
        if (sentAtMs < lastCutMs)
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
    }

    /** @return true when the factor changed (the caller rescales its buckets). */
    boolean tick(final long nowMs)
    {
        if (nowMs - stepStartMs < STEP_MS)
        {
            return false;
        }
        final boolean grow = factor < 1.0 && successInStep && !throttleInStep;
        stepStartMs = nowMs;
        successInStep = false;
        throttleInStep = false;
        if (grow)
        {
            factor = Math.min(1.0, factor + step);
            return true;
        }
        return false;
    }

    boolean isPaused(final long nowMs)
    {
        return nowMs < pausedUntilMs;
    }

    long pausedUntilMs()
    {
        return pausedUntilMs;
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
