package io.dispatch.bench.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH JSON results into markdown, for {@code scripts/bench}:
 * <pre>
 *   JmhReport markdown result.json        table: benchmark, params, mode, score, error, units
 *   JmhReport compare A.json B.json       per benchmark+params: score A, score B, ratio B/A
 * </pre>
 * In a comparison, a primary metric whose difference exceeds the two errors combined is marked
 * {@code better} or {@code worse} by its mode (higher throughput, lower time); otherwise {@code ~}.
 * Benchmarks present in only one run are listed after the table (primary metrics only).
 * Exit status: 0 done, 1 unreadable input, 2 bad usage. Stateless; thread-safe.
 */
public final class JmhReport
{
    private JmhReport()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            if (args.length == 2 && "markdown".equals(args[0]))
            {
                System.out.print(markdown(read(args[1])));
            }
            else if (args.length == 3 && "compare".equals(args[0]))
            {
                System.out.print(compare(read(args[1]), read(args[2])));
            }
            else
            {
                System.err.println("usage: JmhReport markdown RESULT.json | JmhReport compare A.json B.json");
                System.exit(2);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("JmhReport: " + ex.getMessage());
            System.exit(1);
        }
    }

    static String markdown(final List<ResultRow> rows)
    {
        final StringBuilder sb = new StringBuilder(256 + rows.size() * 96);
        sb.append("| Benchmark | Params | Mode | Score | Error | Units |\n");
        sb.append("|---|---|---|---:|---:|---|\n");
        for (final ResultRow r : rows)
        {
            sb.append("| ").append(r.benchmark()).append(" | ").append(r.params()).append(" | ").append(r.mode())
                .append(" | ").append(format(r.score())).append(" | ").append(errorOf(r.error()))
                .append(" | ").append(r.unit()).append(" |\n");
        }
        return sb.toString();
    }

    static String compare(final List<ResultRow> a, final List<ResultRow> b)
    {
        final Map<String, ResultRow> byKeyA = new LinkedHashMap<>();
        a.forEach(r -> byKeyA.put(r.key(), r));
        final StringBuilder sb = new StringBuilder(256 + b.size() * 112);
        sb.append("| Benchmark | Params | Units | A | B | B/A | |\n");
        sb.append("|---|---|---|---:|---:|---:|---|\n");
        final StringBuilder onlyInB = new StringBuilder();
        for (final ResultRow rb : b)
        {
            final ResultRow ra = byKeyA.remove(rb.key());
            if (ra == null)
            {
                if (rb.primary())
                {
                    onlyInB.append("* only in B: ").append(rb.key()).append('\n');
                }
                continue;
            }
            sb.append("| ").append(rb.benchmark()).append(" | ").append(rb.params()).append(" | ").append(rb.unit())
                .append(" | ").append(format(ra.score())).append(" | ").append(format(rb.score()))
                .append(" | ").append(ratio(ra.score(), rb.score())).append(" | ").append(verdict(ra, rb)).append(" |\n");
        }
        byKeyA.values().stream().filter(ResultRow::primary)
            .forEach(r -> sb.append("* only in A: ").append(r.key()).append('\n'));
        return sb.append(onlyInB).toString();
    }

    static String verdict(final ResultRow a, final ResultRow b)
    {
        if (!b.primary() || Double.isNaN(a.error()) || Double.isNaN(b.error()))
        {
            return "";
        }
        final double diff = b.score() - a.score();
        if (Math.abs(diff) <= a.error() + b.error())
        {
            return "~";
        }
        return diff > 0 == b.higherIsBetter() ? "better" : "worse";
    }

    private static String ratio(final double a, final double b)
    {
        return a == 0 ? (b == 0 ? "1.00" : "inf") : String.format(Locale.ROOT, "%.2f", b / a);
    }

    private static String errorOf(final double error)
    {
        return Double.isNaN(error) ? "n/a" : "± " + format(error);
    }

    /** Enough digits to compare by eye: none above 1000, three below 1. */
    static String format(final double v)
    {
        final double abs = Math.abs(v);
        if (Double.isNaN(v) || Double.isInfinite(v))
        {
            return String.valueOf(v);
        }
        if (abs >= 1000)
        {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, abs >= 10 ? "%.1f" : abs >= 1 || abs == 0 ? "%.2f" : "%.3f", v);
    }

    private static List<ResultRow> read(final String file) throws IOException
    {
        return ResultRow.fromJmhJson(Files.readString(Path.of(file), StandardCharsets.UTF_8));
    }
}
