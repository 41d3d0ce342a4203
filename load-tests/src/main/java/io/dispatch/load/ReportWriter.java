package io.dispatch.load;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link RunReport} as {@code report.json} (machine-readable; field names are a contract for
 * scripts comparing runs) and {@code report.txt} (summary plus HdrHistogram percentile distributions).
 * Latencies are microseconds; a series with no samples has null percentiles, never zeros.
 * <p>
 * <b>Threading:</b> stateless.
 */
public final class ReportWriter
{
    public static final String JSON_FILE = "report.json";
    public static final String TEXT_FILE = "report.txt";

    private ReportWriter()
    {
    }

    public static void write(final RunReport report, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON_FILE), toJson(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(TEXT_FILE), toText(report), StandardCharsets.UTF_8);
    }

    public static String toJson(final RunReport r)
    {
        final LoadTestConfig c = r.config;
        final JsonWriter w = new JsonWriter().beginObject()
            .field("started_at", r.startedAt.toString())
            .field("jdk", r.jdk)
            .field("host_cpus", r.hostCpus)
            .field("target", c.host() + ':' + c.port())
            .field("tenant", c.tenant())
            .field("channel", c.channel().name().toLowerCase(Locale.ROOT))
            .field("kind", c.kind().name().toLowerCase(Locale.ROOT))
            .field("payload_bytes", c.payloadBytes())
            .field("recipients", c.recipients())
            .field("offered_rate", c.rate())
            .field("duration_s", c.durationS())
            .field("warmup_s", c.warmupS())
            .field("connections", c.connections())
            .field("offered", r.offered)
            .field("sent", r.measured.sent)
            .field("acked", r.measured.acked)
            .field("duplicates", r.measured.duplicates)
            .field("rejected", r.measured.rejected);
        counts(w.name("rejected_by_code"), r.measured.rejectedByName());
        w.field("client_failed", r.measured.clientFailed);
        counts(w.name("client_failed_by_kind"), r.measured.clientFailedByName());
        w.field("send_failed", r.measured.sendFailed)
            .field("unsent", r.unsent())
            .field("unanswered", r.unanswered())
            .field("receipts", r.receipts);
        counts(w.name("receipts_by_state"), r.receiptsByState);
        w.field("receipts_dropped", r.receiptsDropped)
            .field("e2e_completed", r.measured.e2eCompleted)
            .field("e2e_missing", r.e2eMissing())
            .field("throughput_per_s", r.throughputPerS);
        latency(w.name("ack_latency_us"), r.ackLatencyUs);
        latency(w.name("e2e_latency_us"), r.e2eLatencyUs);
        w.name("warmup").beginObject()
            .field("sent", r.warmup.sent)
            .field("acked", r.warmup.acked)
            .field("rejected", r.warmup.rejected)
            .field("client_failed", r.warmup.clientFailed)
            .endObject();
        w.field("drain_s", r.drainS)
            .field("drain_timed_out", r.drainTimedOut)
            .field("failed_connections", r.failedConnections);
        return w.endObject().toString();
    }

    private static void counts(final JsonWriter w, final Map<String, Long> counts)
    {
        w.beginObject();
        for (final Map.Entry<String, Long> e : counts.entrySet())
        {
            w.field(e.getKey(), e.getValue());
        }
        w.endObject();
    }

    private static void latency(final JsonWriter w, final Histogram h)
    {
        w.beginObject().field("count", h.getTotalCount());
        final boolean empty = h.getTotalCount() == 0;
        percentile(w, "min", empty, h.getMinValue());
        w.name("mean");
        if (empty)
        {
            w.nullValue();
        }
        else
        {
            w.value(h.getMean());
        }
        percentile(w, "p50", empty, h.getValueAtPercentile(50.0));
        percentile(w, "p90", empty, h.getValueAtPercentile(90.0));
        percentile(w, "p99", empty, h.getValueAtPercentile(99.0));
        percentile(w, "p999", empty, h.getValueAtPercentile(99.9));
        percentile(w, "p9999", empty, h.getValueAtPercentile(99.99));
        percentile(w, "max", empty, h.getMaxValue());
        w.endObject();
    }

    private static void percentile(final JsonWriter w, final String name, final boolean empty, final long value)
    {
        w.name(name);
        if (empty)
        {
            w.nullValue();
        }
        else
        {
            w.value(value);
        }
    }

    public static String toText(final RunReport r)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            final LoadTestConfig c = r.config;
            out.printf(Locale.ROOT, "load test started %s on %s, %d CPUs%n", r.startedAt, r.jdk, r.hostCpus);
            out.printf(Locale.ROOT, "%s%n", c);
            out.printf(Locale.ROOT,
                "measured period: offered %d, sent %d, acked %d (%d duplicates), rejected %d %s, " +
                "client-failed %d %s, unsent %d, unanswered %d%n",
                r.offered, r.measured.sent, r.measured.acked, r.measured.duplicates, r.measured.rejected,
                r.measured.rejectedByName(), r.measured.clientFailed, r.measured.clientFailedByName(), r.unsent(),
                r.unanswered());
            out.printf(Locale.ROOT, "throughput %.1f acks/s; receipts %d %s, dropped %d; e2e completed %d, missing %d%n",
                r.throughputPerS, r.receipts, r.receiptsByState, r.receiptsDropped, r.measured.e2eCompleted,
                r.e2eMissing());
            out.printf(Locale.ROOT, "warm-up: sent %d, acked %d, rejected %d; drain %.1f s%s%n",
                r.warmup.sent, r.warmup.acked, r.warmup.rejected, r.drainS, r.drainTimedOut ? " (timed out)" : "");
            if (r.unsent() + r.unanswered() + r.e2eMissing() > 0)
            {
                out.println("NOTE: unsent, unanswered and e2e-missing messages are not in the histograms; " +
                    "their latency exceeds the run's remaining time.");
            }
            distribution(out, "ack latency (µs, from intended send time to ACK)", r.ackLatencyUs);
            distribution(out, "end-to-end latency (µs, from intended send time to PROVIDER_ACCEPTED or terminal " +
                "receipt)", r.e2eLatencyUs);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void distribution(final PrintStream out, final String title, final Histogram h)
    {
        out.println();
        out.println("== " + title);
        if (h.getTotalCount() == 0)
        {
            out.println("(no samples)");
            return;
        }
        h.outputPercentileDistribution(out, 5, 1.0);
    }
}
