package io.dispatch.load;

import io.dispatch.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code scripts/loadtest-standard}'s summary: reads {@code SCENARIO_DIR/run-N/report.json} of each
 * scenario and prints markdown tables ready for docs/PERFORMANCE.md: the median of the runs per class
 * (acked/s, ack and end-to-end percentiles, and the engine's own frame read → ACK and hand-off → send percentiles
 * of the measured period when the run read them; "-" otherwise), every run's acked/s beside it, and for saturation sweeps
 * the median highest rate meeting the SLO. Latencies in the tables are medians of each run's percentile.
 * <p>
 * <b>Threading:</b> main thread.
 */
public final class StandardTable
{
    private StandardTable()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 0)
        {
            System.err.println("usage: StandardTable SCENARIO_DIR... (each holding run-N/report.json)");
            System.exit(2);
        }
        out.print(render(Arrays.stream(args).map(Path::of).toList()));
    }

    /** @return the markdown tables for the scenario folders, in the order given. */
    public static String render(final List<Path> scenarioDirs) throws IOException
    {
        final StringBuilder runs = new StringBuilder();
        final StringBuilder sweeps = new StringBuilder();
        for (final Path dir : scenarioDirs)
        {
            final List<Map<String, Object>> reports = reports(dir);
            if (reports.isEmpty())
            {
                runs.append(String.format(Locale.ROOT, "| %s | 0 | (no report.json under %s) | | | | | | | | | | | |%n",
                    dir.getFileName(), dir));
                continue;
            }
            if ("saturation".equals(reports.get(0).get("mode")))
            {
                sweep(sweeps, dir, reports);
            }
            else
            {
                run(runs, dir, reports);
            }
        }
        final StringBuilder md = new StringBuilder();
        if (runs.length() > 0)
        {
            md.append("| scenario | runs | acked/s (median) | acked/s per run | class | ack p50 | ack p99 | ack p99.9 | " +
                "e2e p50 | e2e p99 | engine ack p50 | engine ack p99 | engine ack p99.9 | engine hand-off p99 |\n" +
                "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n").append(runs).append('\n');
        }
        if (sweeps.length() > 0)
        {
            md.append("| scenario | runs | SLO | highest rate meeting the SLO (median) | per run |\n" +
                "|---|---:|---|---:|---|\n").append(sweeps).append('\n');
        }
        return md.toString();
    }

    private static void run(final StringBuilder md, final Path dir, final List<Map<String, Object>> reports)
    {
        final double[] acked = values(reports, r -> number(r.get("throughput_per_s")));
        final List<String> classNames = new ArrayList<>(classes(reports.get(0)).keySet());
        boolean first = true;
        for (final String name : classNames)
        {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                first ? dir.getFileName() : "", first ? Integer.toString(reports.size()) : "", first ? String.format(Locale.ROOT, "%,.0f", median(acked)) : "",
                first ? perRun(acked) : "", name,
                latency(reports, name, "ack_latency_us", "p50"), latency(reports, name, "ack_latency_us", "p99"),
                latency(reports, name, "ack_latency_us", "p999"), latency(reports, name, "e2e_latency_us", "p50"),
                latency(reports, name, "e2e_latency_us", "p99"),
                latency(reports, name, "engine_ack_latency_us", "p50"), latency(reports, name, "engine_ack_latency_us", "p99"),
                latency(reports, name, "engine_ack_latency_us", "p999"),
                latency(reports, name, "engine_handoff_latency_us", "p99")));
            first = false;
        }
    }

    private static void sweep(final StringBuilder md, final Path dir, final List<Map<String, Object>> reports)
    {
        final double[] best = values(reports, r -> number(r.get("max_rate_meeting_slo")));
        md.append(String.format(Locale.ROOT, "| %s | %d | `%s` | %s | %s |%n", dir.getFileName(), reports.size(),
            reports.get(0).get("slo"), Double.isNaN(median(best)) ? "none" : String.format(Locale.ROOT, "%,.0f msg/s",
                median(best)), perRun(best)));
    }

    private static String latency(final List<Map<String, Object>> reports, final String klass, final String series,
        final String percentile)
    {
        final double[] v = values(reports, r ->
        {
            @SuppressWarnings("unchecked")
            final Map<String, Object> c = (Map<String, Object>)classes(r).get(klass);
            @SuppressWarnings("unchecked")
            final Map<String, Object> s = c == null ? null : (Map<String, Object>)c.get(series);
            return s == null ? Double.NaN : number(s.get(percentile));
        });
        final double m = median(v);
        return Double.isNaN(m) ? "-" : ProgressLine.formatMicros(Math.round(m));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> classes(final Map<String, Object> report)
    {
        final Object c = report.get("classes");
        return c instanceof Map ? (Map<String, Object>)c : new LinkedHashMap<>();
    }

    private interface Field
    {
        double of(Map<String, Object> report);
    }

    private static double[] values(final List<Map<String, Object>> reports, final Field field)
    {
        return reports.stream().mapToDouble(field::of).toArray();
    }

    /** @return the median of the values that are numbers (NaN when none). */
    static double median(final double[] values)
    {
        final double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0)
        {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String perRun(final double[] values)
    {
        final StringBuilder sb = new StringBuilder();
        for (final double v : values)
        {
            sb.append(sb.length() == 0 ? "" : " · ").append(Double.isNaN(v) ? "none" : String.format(Locale.ROOT, "%,.0f", v));
        }
        return sb.toString();
    }

    private static double number(final Object o)
    {
        return o instanceof Number ? ((Number)o).doubleValue() : Double.NaN;
    }

    private static List<Map<String, Object>> reports(final Path dir) throws IOException
    {
        final List<Map<String, Object>> reports = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return reports;
        }
        try (Stream<Path> runs = Files.list(dir))
        {
            for (final Path run : runs.filter(p -> p.getFileName().toString().startsWith("run-")).sorted().toList())
            {
                final Path json = run.resolve(ReportWriter.JSON_FILE);
                if (Files.isRegularFile(json))
                {
                    reports.add(Json.parseObject(Files.readString(json)));
                }
            }
        }
        return reports;
    }
}
