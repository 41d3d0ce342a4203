package io.dispatch.status;

import io.dispatch.protocol.MessageKind;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * One latency histogram per message class (informational, auth, marketing), in nanoseconds, rendered as a
 * Prometheus summary in seconds since start. <b>Single writer:</b> {@link #record} from one thread only (the
 * ack stage's, or one lane's); each class is an HdrHistogram {@link SingleWriterRecorder}, so recording is
 * wait-free and allocation-free. The admin thread renders it, accumulating the recorders' interval histograms
 * under this object's lock, which the writer never takes (the pattern of the lane's accept latency).
 */
public final class ClassLatency
{
    /** Values are clamped to an hour: a message can wait that long in a throttled lane's bulk queue. */
    static final long HIGHEST_NANOS = 3_600_000_000_000L;
    /** Two significant digits (1 %): enough for a tail, and 4 histograms per class stay ~40 KB each. */
    private static final int DIGITS = 2;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    private static final MessageKind[] KINDS = MessageKind.values();

    private final String labels;
    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[KINDS.length];
    // reader side, guarded by this
    private final Histogram[] cumulative = new Histogram[KINDS.length];
    /** Each recorder takes back only the interval histogram it gave out. */
    private final Histogram[] intervals = new Histogram[KINDS.length];

    /** @param labels labels put before {@code class}, e.g. {@code lane="sms",}; empty for none. */
    public ClassLatency(final String labels)
    {
        this.labels = labels;
        for (int i = 0; i < KINDS.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(1, HIGHEST_NANOS, DIGITS);
            cumulative[i] = new Histogram(1, HIGHEST_NANOS, DIGITS);
        }
    }

    /**
     * Writer thread only. A kind code that is not a class is ignored; a negative interval (clocks of two threads
     * on a machine whose TSCs disagree) counts as 0.
     */
    public void record(final byte kindCode, final long nanos)
    {
        final int index = kindCode - 1;
        if (index >= 0 && index < KINDS.length)
        {
            recorders[index].recordValue(Math.max(0, Math.min(HIGHEST_NANOS, nanos)));
        }
    }

    /** Appends the {@code # HELP}/{@code # TYPE} lines of a family; the samples of every instance must follow. */
    public static void family(final StringBuilder sb, final String name, final String help)
    {
        PrometheusText.family(sb, name, "summary", help);
    }

    /** Admin thread: appends this instance's samples of family {@code name}, one summary per class. */
    public synchronized void appendSamples(final StringBuilder sb, final String name)
    {
        for (int i = 0; i < KINDS.length; i++)
        {
            final Histogram h = accumulate(i);
            final long count = h.getTotalCount();
            final String series = labels + "class=\"" + KINDS[i].name().toLowerCase(Locale.ROOT) + "\"";
            for (final double q : QUANTILES)
            {
                sb.append(name).append('{').append(series).append(",quantile=\"").append(q).append("\"} ")
                    .append(count == 0 ? 0.0 : h.getValueAtPercentile(q * 100.0) / 1e9).append('\n');
            }
            sb.append(name).append("_count{").append(series).append("} ").append(count).append('\n');
            sb.append(name).append("_sum{").append(series).append("} ").append(count == 0 ? 0.0 : h.getMean() * count / 1e9).append('\n');
        }
    }

    /**
     * Admin thread: hands each class's histogram since start (ns), brought up to date, to {@code reader}, under this
     * object's lock. The reader must not keep it or change its counts (a tag is fine): it is the live cumulative
     * histogram, lent rather than copied so a reader polling every second (the load generator's window) costs the
     * engine no ~40 KB copies.
     */
    public synchronized void readCumulative(final BiConsumer<MessageKind, Histogram> reader)
    {
        for (int i = 0; i < KINDS.length; i++)
        {
            reader.accept(KINDS[i], accumulate(i));
        }
    }

    private Histogram accumulate(final int index)
    {
        intervals[index] = recorders[index].getIntervalHistogram(intervals[index]);
        cumulative[index].add(intervals[index]);
        return cumulative[index];
    }
}
