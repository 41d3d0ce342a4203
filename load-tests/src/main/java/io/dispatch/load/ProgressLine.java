package io.dispatch.load;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;

/**
 * Formats the once-a-second progress line, e.g.
 * {@code [  12s measure] offered 12000 sent 12000 acked 11990 nacked 3 {BACKPRESSURE=3} receipts 11800
 * | ack p99 1.23ms | e2e p99 35.0ms}. Counters cover the whole run so far; the percentiles cover the
 * last interval only ("-" when it had no samples).
 * <p>
 * <b>Threading:</b> stateless.
 */
public final class ProgressLine
{
    private ProgressLine()
    {
    }

    public static String format(
        final long elapsedS,
        final String phase,
        final long offered,
        final CounterTotals totals,
        final long receipts,
        final Histogram ackInterval,
        final Histogram e2eInterval)
    {
        final StringBuilder sb = new StringBuilder(160);
        sb.append(String.format(Locale.ROOT, "[%4ds %-7s]", elapsedS, phase))
            .append(" offered ").append(offered)
            .append(" sent ").append(totals.sent)
            .append(" acked ").append(totals.acked)
            .append(" nacked ").append(totals.rejected);
        final Map<String, Long> byCode = totals.rejectedByName();
        if (!byCode.isEmpty())
        {
            sb.append(' ').append(byCode);
        }
        if (totals.clientFailed != 0)
        {
            sb.append(" failed ").append(totals.clientFailed).append(' ').append(totals.clientFailedByName());
        }
        sb.append(" receipts ").append(receipts)
            .append(" | ack p99 ").append(p99(ackInterval))
            .append(" | e2e p99 ").append(p99(e2eInterval));
        return sb.toString();
    }

    /** @return e.g. {@code  | informational ack/e2e p99 1.20ms/4.10ms | marketing ...}; empty for no classes. */
    public static String classes(final int[] classIndexes, final IntervalCollector collector)
    {
        final StringBuilder sb = new StringBuilder();
        for (final int c : classIndexes)
        {
            sb.append(" | ").append(MessageClasses.name(c)).append(" ack/e2e p99 ")
                .append(p99(collector.ackClassInterval(c))).append('/').append(p99(collector.e2eClassInterval(c)));
        }
        return sb.toString();
    }

    private static String p99(final Histogram h)
    {
        return h.getTotalCount() == 0 ? "-" : formatMicros(h.getValueAtPercentile(99.0));
    }

    /** @return a latency in the unit that keeps it short: {@code 850µs}, {@code 1.23ms}, {@code 2.50s}. */
    public static String formatMicros(final long us)
    {
        if (us < 1_000)
        {
            return us + "µs";
        }
        if (us < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.2fms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", us / 1e6);
    }
}
