package io.dispatch.connector.runtime;

import io.dispatch.config.BreakerSettings;

/**
 * The lane's circuit breaker. CLOSED counts outcomes in a tumbling window and opens when the failure
 * share reaches the threshold (with enough calls to judge) or after a run of consecutive failures.
 * OPEN holds every send (messages wait in their queues, within their TTL) for the cool-down, then
 * HALF_OPEN lets exactly one probe through: its success closes the breaker, its failure reopens it.
 * <p>
 * Failures are transient provider failures (unavailable, timeout, error) and credential refusals;
 * throttling is not a failure (the adaptive rate answers it) and neither is a permanent rejection of one
 * recipient (the provider is healthy enough to judge it).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class CircuitBreaker
{
    static final int CLOSED = 0;
    static final int OPEN = 1;
    static final int HALF_OPEN = 2;

    private final BreakerSettings settings;
    private int state = CLOSED;
    private long windowStartMs;
    private int calls;
    private int failures;
    private int consecutive;
    private long openedAtMs;
    private boolean probeInFlight;
    private long opened;

    CircuitBreaker(final BreakerSettings settings, final long nowMs)
    {
        this.settings = settings;
        this.windowStartMs = nowMs;
    }

    /**
     * @return whether a send may start now. Moves OPEN to HALF_OPEN once the cool-down has passed; in
     * HALF_OPEN only one probe may be outstanding. Call {@link #started()} when the send really starts.
     */
    boolean mayStart(final long nowMs)
    {
        if (!settings.enabled() || state == CLOSED)
        {
            return true;
        }
        if (state == OPEN)
        {
            if (nowMs - openedAtMs < settings.openMs())
            {
                return false;
            }
            state = HALF_OPEN;
            probeInFlight = false;
        }
        return !probeInFlight;
    }

    /** A send started; in HALF_OPEN it is the probe. */
    void started()
    {
        if (state == HALF_OPEN)
        {
            probeInFlight = true;
        }
    }

    void onSuccess(final long nowMs)
    {
        if (state == HALF_OPEN)
        {
            close(nowMs);
            return;
        }
        consecutive = 0;
        count(nowMs, false);
    }

    void onFailure(final long nowMs)
    {
        if (!settings.enabled())
        {
            return;
        }
        if (state == HALF_OPEN)
        {
            open(nowMs);
            return;
        }
        if (state == OPEN)
        {
            // answers of sends that left before it opened
            return;
        }
        consecutive++;
        count(nowMs, true);
        if (consecutive >= settings.consecutiveFailures()
            || calls >= settings.minCalls() && failures * 100L >= (long)settings.failurePercent() * calls)
        {
            open(nowMs);
        }
    }

    /** A probe that ended without a verdict on the provider (e.g. throttled): let another one through. */
    void onNeutral()
    {
        if (state == HALF_OPEN)
        {
            probeInFlight = false;
        }
    }

    int state()
    {
        return state;
    }

    /** @return how many times the breaker opened. */
    long openedCount()
    {
        return opened;
    }

    static String name(final int state)
    {
        return state == CLOSED ? "CLOSED" : state == OPEN ? "OPEN" : "HALF_OPEN";
    }

    private void count(final long nowMs, final boolean failure)
    {
        if (nowMs - windowStartMs >= settings.windowMs())
        {
            windowStartMs = nowMs;
            calls = 0;
            failures = 0;
        }
        calls++;
        if (failure)
        {
            failures++;
        }
    }

    private void open(final long nowMs)
    {
        state = OPEN;
        openedAtMs = nowMs;
        probeInFlight = false;
        opened++;
    }

    private void close(final long nowMs)
    {
        state = CLOSED;
        consecutive = 0;
        calls = 0;
        failures = 0;
        windowStartMs = nowMs;
        probeInFlight = false;
    }
}
