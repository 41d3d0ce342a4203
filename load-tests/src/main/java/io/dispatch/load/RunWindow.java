package io.dispatch.load;

import java.util.concurrent.TimeUnit;

/**
 * The run's timeline on the nano clock: {@code start ── warm-up ── warmupEnd ── measured ── end}.
 * A message belongs to the measured period when its <em>intended</em> send time does, so a message
 * scheduled in the measured period but delayed past its end still counts (with its full latency).
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class RunWindow
{
    private final long startNs;
    private final long warmupEndNs;
    private final long endNs;

    public RunWindow(final long startNs, final long warmupNs, final long measuredNs)
    {
        if (warmupNs < 0 || measuredNs <= 0)
        {
            throw new IllegalArgumentException("warmupNs >= 0 and measuredNs > 0 required");
        }
        this.startNs = startNs;
        this.warmupEndNs = startNs + warmupNs;
        this.endNs = warmupEndNs + measuredNs;
    }

    public static RunWindow ofSeconds(final long startNs, final int warmupS, final int durationS)
    {
        return new RunWindow(startNs, TimeUnit.SECONDS.toNanos(warmupS), TimeUnit.SECONDS.toNanos(durationS));
    }

    public long startNs() { return startNs; }
    public long warmupEndNs() { return warmupEndNs; }
    public long endNs() { return endNs; }

    public long measuredNs()
    {
        return endNs - warmupEndNs;
    }

    public boolean isMeasured(final long intendedNs)
    {
        return intendedNs >= warmupEndNs && intendedNs < endNs;
    }

    /** @return true when {@code timeNs} lies in the measured period (for throughput, by arrival time). */
    public boolean inMeasuredPeriod(final long timeNs)
    {
        return timeNs >= warmupEndNs && timeNs < endNs;
    }
}
