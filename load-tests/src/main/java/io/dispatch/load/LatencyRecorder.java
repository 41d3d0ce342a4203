package io.dispatch.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One latency series (ack or end-to-end) of one connection, in microseconds, 1 µs .. 1 hour at 3
 * significant digits. Values above the range are clamped to it rather than dropped, so a pathological
 * stall still shows as the maximum.
 * <p>
 * <b>Threading:</b> {@link #recordNs} from one writer thread at a time (the connection's client I/O
 * thread); {@link #intervalInto} from one reader thread (the reporter). Lock-free for the writer.
 */
public final class LatencyRecorder
{
    public static final long LOWEST_US = 1;
    public static final long HIGHEST_US = 3_600_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;

    private final SingleWriterRecorder recorder =
        new SingleWriterRecorder(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS);

    /** @return an empty histogram with the recorders' range, for aggregates. */
    public static Histogram newHistogram()
    {
        return new Histogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS);
    }

    /** Records {@code endNs - startNs}, where start is the message's intended send time. */
    public void recordNs(final long startNs, final long endNs)
    {
        recorder.recordValue(toMicros(endNs - startNs));
    }

    static long toMicros(final long latencyNs)
    {
        // A negative latency can only be clock noise: count it as zero rather than drop the sample.
        return Math.min(Math.max(0, latencyNs) / 1_000, HIGHEST_US);
    }

    /**
     * Swaps out everything recorded since the previous call.
     *
     * @param recycle the histogram returned by the previous call (or null): reused to avoid allocation.
     * @return the interval histogram; hand it back as {@code recycle} next time.
     */
    public Histogram intervalInto(final Histogram recycle)
    {
        return recorder.getIntervalHistogram(recycle);
    }
}
