package io.dispatch.connector.runtime;

import io.dispatch.config.RateSettings;

/**
 * Carries rate changes from the admin thread to the lane thread without a lock: the admin thread
 * swaps in an immutable {@link RateSettings}; the lane thread compares references once per duty
 * cycle, applies a new value to its {@link LaneGate} and publishes it as applied.
 */
final class RateControl
{
    private volatile RateSettings requested;
    private volatile RateSettings applied;

    RateControl(final RateSettings initial)
    {
        requested = initial;
        applied = initial;
    }

    /** Any thread. */
    void request(final RateSettings settings)
    {
        requested = settings;
    }

    /** Any thread: the settings the lane thread has applied. */
    RateSettings applied()
    {
        return applied;
    }

    /** Lane thread. */
    void applyTo(final LaneGate gate, final long nowMs)
    {
        final RateSettings wanted = requested;
        if (wanted != gate.settings())
        {
            gate.apply(wanted, nowMs);
            applied = wanted;
        }
    }
}
