package io.dispatch.load.scenario;

/**
 * Saturation mode: runs the scenario's streams at increasing total rates ({@code start}, {@code start +
 * step}, ... up to {@code max}), each step a fresh short run of {@code warmupS + stepDurationS}, and reports
 * the highest rate whose measured period met the {@link Slo}. Stops early when the SLO is clearly broken.
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class SaturationSpec
{
    /** A step whose percentile exceeds the threshold this many times over ends the sweep at once. */
    public static final double CLEARLY_BROKEN_FACTOR = 2.0;
    /** Consecutive failing steps that end the sweep. */
    public static final int FAILED_STEPS_TO_STOP = 2;

    private final double startRate;
    private final double stepRate;
    private final double maxRate;
    private final int stepDurationS;
    private final int warmupS;

    public SaturationSpec(final double startRate, final double stepRate, final double maxRate,
        final int stepDurationS, final int warmupS)
    {
        this.startRate = startRate;
        this.stepRate = stepRate;
        this.maxRate = maxRate;
        this.stepDurationS = stepDurationS;
        this.warmupS = warmupS;
    }

    public double startRate() { return startRate; }
    public double stepRate() { return stepRate; }
    public double maxRate() { return maxRate; }
    public int stepDurationS() { return stepDurationS; }
    public int warmupS() { return warmupS; }

    /** @return the number of steps from start to max inclusive. */
    public int steps()
    {
        return (int)Math.floor((maxRate - startRate) / stepRate + 1e-9) + 1;
    }

    public double rateOfStep(final int step)
    {
        return startRate + step * stepRate;
    }

    @Override
    public String toString()
    {
        return "start=" + startRate + " step=" + stepRate + " max=" + maxRate + " step-duration=" + stepDurationS +
            "s warmup=" + warmupS + "s";
    }
}
