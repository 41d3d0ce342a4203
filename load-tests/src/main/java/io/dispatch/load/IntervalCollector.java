package io.dispatch.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.util.List;

/**
 * Once per reporting interval, swaps every connection's recorders, merges them into one interval
 * histogram per series (ack, e2e) and class, plus the all-classes sum; appends them to the interval logs
 * and adds them to the run totals.
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
    private final HistogramLogWriter[] ackClassLogs;
    private final HistogramLogWriter[] e2eClassLogs;
    private final Histogram[][] ackRecycle;
    private final Histogram[][] e2eRecycle;
    private final Histogram ackInterval = LatencyRecorder.newHistogram();
    private final Histogram e2eInterval = LatencyRecorder.newHistogram();
    private final Histogram ackTotal = LatencyRecorder.newHistogram();
    private final Histogram e2eTotal = LatencyRecorder.newHistogram();
    private final Histogram[] ackClassInterval = histograms();
    private final Histogram[] e2eClassInterval = histograms();
    private final Histogram[] ackClassTotal = histograms();
    private final Histogram[] e2eClassTotal = histograms();

    /**
     * @param ackLog interval log for ack latency, or null for none.
     * @param e2eLog interval log for end-to-end latency, or null for none.
     */
    public IntervalCollector(
        final List<ConnectionTracker> trackers, final HistogramLogWriter ackLog, final HistogramLogWriter e2eLog)
    {
        this(trackers, ackLog, e2eLog, new HistogramLogWriter[MessageClasses.COUNT],
            new HistogramLogWriter[MessageClasses.COUNT]);
    }

    /** @param ackClassLogs per {@link MessageClasses} index, entries may be null (no log for that class). */
    public IntervalCollector(
        final List<ConnectionTracker> trackers,
        final HistogramLogWriter ackLog,
        final HistogramLogWriter e2eLog,
        final HistogramLogWriter[] ackClassLogs,
        final HistogramLogWriter[] e2eClassLogs)
    {
        this.trackers = trackers;
        this.ackLog = ackLog;
        this.e2eLog = e2eLog;
        this.ackClassLogs = ackClassLogs.clone();
        this.e2eClassLogs = e2eClassLogs.clone();
        this.ackRecycle = new Histogram[trackers.size()][MessageClasses.COUNT];
        this.e2eRecycle = new Histogram[trackers.size()][MessageClasses.COUNT];
    }

    private static Histogram[] histograms()
    {
        final Histogram[] h = new Histogram[MessageClasses.COUNT];
        for (int i = 0; i < h.length; i++)
        {
            h[i] = LatencyRecorder.newHistogram();
        }
        return h;
    }

    /**
     * Collects the interval {@code [startSec, endSec)}, in seconds since the run's start.
     */
    public void collect(final double startSec, final double endSec)
    {
        ackInterval.reset();
        e2eInterval.reset();
        for (int c = 0; c < MessageClasses.COUNT; c++)
        {
            ackClassInterval[c].reset();
            e2eClassInterval[c].reset();
            for (int i = 0; i < trackers.size(); i++)
            {
                final ConnectionTracker t = trackers.get(i);
                ackRecycle[i][c] = t.ackLatency(c).intervalInto(ackRecycle[i][c]);
                ackClassInterval[c].add(ackRecycle[i][c]);
                e2eRecycle[i][c] = t.e2eLatency(c).intervalInto(e2eRecycle[i][c]);
                e2eClassInterval[c].add(e2eRecycle[i][c]);
            }
            ackInterval.add(ackClassInterval[c]);
            e2eInterval.add(e2eClassInterval[c]);
            ackClassTotal[c].add(ackClassInterval[c]);
            e2eClassTotal[c].add(e2eClassInterval[c]);
            write(ackClassLogs[c], startSec, endSec, ackClassInterval[c]);
            write(e2eClassLogs[c], startSec, endSec, e2eClassInterval[c]);
        }
        ackTotal.add(ackInterval);
        e2eTotal.add(e2eInterval);
        write(ackLog, startSec, endSec, ackInterval);
        write(e2eLog, startSec, endSec, e2eInterval);
    }

    private static void write(final HistogramLogWriter log, final double startSec, final double endSec, final Histogram h)
    {
        if (log != null)
        {
            log.outputIntervalHistogram(startSec, endSec, h, LOG_MAX_VALUE_UNIT_RATIO);
        }
    }

    /** @return ack latency of the last collected interval (µs); valid until the next collect. */
    public Histogram ackInterval() { return ackInterval; }
    public Histogram e2eInterval() { return e2eInterval; }
    /** @return ack latency of every collected interval so far (µs). */
    public Histogram ackTotal() { return ackTotal; }
    public Histogram e2eTotal() { return e2eTotal; }
    public Histogram ackClassInterval(final int classIndex) { return ackClassInterval[classIndex]; }
    public Histogram e2eClassInterval(final int classIndex) { return e2eClassInterval[classIndex]; }
    public Histogram ackClassTotal(final int classIndex) { return ackClassTotal[classIndex]; }
    public Histogram e2eClassTotal(final int classIndex) { return e2eClassTotal[classIndex]; }
}
