package io.dispatch.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.util.List;

/**
 * Once per reporting interval, swaps every connection's recorders, merges them into one interval
 * histogram per series (ack, e2e), appends it to the interval log and adds it to the run totals.
 * <p>
 * <b>Threading:</b> the reporter thread only.
 */
public final class IntervalCollector
{
    /** Interval logs hold microseconds; this ratio makes their "max" column read in milliseconds. */
    public static final double LOG_MAX_VALUE_UNIT_RATIO = 1_000.0;

    private final List<ConnectionTracker> trackers;
    private final HistogramLogWriter ackLog;
    private final HistogramLogWriter e2eLog;
    private final Histogram[] ackRecycle;
    private final Histogram[] e2eRecycle;
    private final Histogram ackInterval = LatencyRecorder.newHistogram();
    private final Histogram e2eInterval = LatencyRecorder.newHistogram();
    private final Histogram ackTotal = LatencyRecorder.newHistogram();
    private final Histogram e2eTotal = LatencyRecorder.newHistogram();

    /**
     * @param ackLog interval log for ack latency, or null for none.
     * @param e2eLog interval log for end-to-end latency, or null for none.
     */
    public IntervalCollector(
        final List<ConnectionTracker> trackers, final HistogramLogWriter ackLog, final HistogramLogWriter e2eLog)
    {
        this.trackers = trackers;
        this.ackLog = ackLog;
        this.e2eLog = e2eLog;
        this.ackRecycle = new Histogram[trackers.size()];
        this.e2eRecycle = new Histogram[trackers.size()];
    }

    /**
     * Collects the interval {@code [startSec, endSec)}, in seconds since the run's start.
     */
    public void collect(final double startSec, final double endSec)
    {
        ackInterval.reset();
        e2eInterval.reset();
        for (int i = 0; i < trackers.size(); i++)
        {
            final ConnectionTracker t = trackers.get(i);
            ackRecycle[i] = t.ackLatency().intervalInto(ackRecycle[i]);
            ackInterval.add(ackRecycle[i]);
            e2eRecycle[i] = t.e2eLatency().intervalInto(e2eRecycle[i]);
            e2eInterval.add(e2eRecycle[i]);
        }
        ackTotal.add(ackInterval);
        e2eTotal.add(e2eInterval);
        if (ackLog != null)
        {
            ackLog.outputIntervalHistogram(startSec, endSec, ackInterval, LOG_MAX_VALUE_UNIT_RATIO);
        }
        if (e2eLog != null)
        {
            e2eLog.outputIntervalHistogram(startSec, endSec, e2eInterval, LOG_MAX_VALUE_UNIT_RATIO);
        }
    }

    /** @return ack latency of the last collected interval (µs); valid until the next collect. */
    public Histogram ackInterval() { return ackInterval; }
    public Histogram e2eInterval() { return e2eInterval; }
    /** @return ack latency of every collected interval so far (µs). */
    public Histogram ackTotal() { return ackTotal; }
    public Histogram e2eTotal() { return e2eTotal; }
}
