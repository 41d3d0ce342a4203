package io.dispatch.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The run, one point per reporting interval (about a second): offered and acked rates and interval
 * latency percentiles, overall and per class. Feeds the throughput-over-time and latency-over-time plots
 * and report.json's {@code timeline}. Latency values are µs, -1 when the interval had no sample.
 * <p>
 * <b>Threading:</b> written by the reporter thread; read after the run.
 */
public final class Timeline
{
    /** One interval. Per-class arrays are indexed by {@link MessageClasses}. */
    public static final class Point
    {
        public final double endS;
        public final double lengthS;
        public final double offeredPerS;
        public final double ackedPerS;
        public final long ackP50Us;
        public final long ackP99Us;
        public final long ackMaxUs;
        public final long e2eP99Us;
        public final long[] ackP99UsByClass = new long[MessageClasses.COUNT];
        public final long[] e2eP99UsByClass = new long[MessageClasses.COUNT];

        Point(final double endS, final double lengthS, final double offeredPerS, final double ackedPerS,
            final IntervalCollector c)
        {
            this.endS = endS;
            this.lengthS = lengthS;
            this.offeredPerS = offeredPerS;
            this.ackedPerS = ackedPerS;
            ackP50Us = at(c.ackInterval(), 50);
            ackP99Us = at(c.ackInterval(), 99);
            ackMaxUs = c.ackInterval().getTotalCount() == 0 ? -1 : c.ackInterval().getMaxValue();
            e2eP99Us = at(c.e2eInterval(), 99);
            for (int k = 0; k < MessageClasses.COUNT; k++)
            {
                ackP99UsByClass[k] = at(c.ackClassInterval(k), 99);
                e2eP99UsByClass[k] = at(c.e2eClassInterval(k), 99);
            }
        }

        private static long at(final Histogram h, final double percentile)
        {
            return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(percentile);
        }
    }

    private final List<Point> points = new ArrayList<>();
    private long lastDue;
    private long lastAcked;

    /**
     * Adds the interval just collected.
     *
     * @param due   messages due so far (all streams, whole run), from the schedules.
     * @param acked ACKs so far (both phases).
     */
    public void add(final double endS, final double lengthS, final long due, final long acked, final IntervalCollector c)
    {
        final double length = Math.max(lengthS, 1e-3);
        points.add(new Point(endS, lengthS, (due - lastDue) / length, (acked - lastAcked) / length, c));
        lastDue = due;
        lastAcked = acked;
    }

    public List<Point> points()
    {
        return Collections.unmodifiableList(points);
    }
}
