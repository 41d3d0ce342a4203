package io.dispatch.load;

import io.dispatch.load.scenario.StreamSpec;
import io.dispatch.protocol.MessageKind;
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
    public static final String HTML_FILE = "report.html";

    private ReportWriter()
    {
    }

    public static void write(final RunReport report, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON_FILE), toJson(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(TEXT_FILE), toText(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HTML_FILE), HtmlReport.run(report), StandardCharsets.UTF_8);
    }

    public static String toJson(final RunReport r)
    {
        final LoadTestConfig c = r.config;
        final JsonWriter w = new JsonWriter().beginObject()
            .field("started_at", r.startedAt.toString())
            .field("jdk", r.jdk)
            .field("host_cpus", r.hostCpus)
            .field("scenario", c.name())
            .field("engine", c.engineMode().name().toLowerCase(Locale.ROOT))
            .field("target", c.host() + ':' + c.port())
            .field("tenant", c.tenant());
        final StreamSpec only = c.streams().size() == 1 ? c.streams().get(0) : null;
        // Kept from the single-stream format for scripts that compare runs; "mixed" for several streams.
        w.field("channel", only != null ? only.channelMix() : "mixed")
            .field("kind", only != null ? only.kind().name().toLowerCase(Locale.ROOT) : "mixed")
            .field("payload", only != null ? only.payload().toString() : "mixed")
            .field("recipients", only != null ? only.recipients().toString() : "mixed")
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
        classes(w, r);
        if (r.engineLatency != null)
        {
            r.engineLatency.json(w);
        }
        if (r.campaign != null)
        {
            w.name("campaign").beginObject()
                .field("id", r.campaign.campaignId())
                .field("state", r.campaign.state().name())
                .field("targeted", r.campaign.targeted())
                .field("fanned_out", r.campaign.fannedOut())
                .field("decided_send", r.campaign.decidedSend())
                .field("decided_defer", r.campaign.decidedDefer())
                .field("decided_suppress", r.campaign.decidedSuppress())
                .endObject();
        }
        streams(w, c);
        if (c.slo() != null)
        {
            slo(w.name("slo"), SloCheck.evaluate(c.slo(), r));
        }
        timeline(w, r.timeline);
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

    private static void classes(final JsonWriter w, final RunReport r)
    {
        w.name("classes").beginObject();
        for (final MessageKind kind : r.config.kinds())
        {
            final int c = MessageClasses.index(kind);
            w.name(MessageClasses.name(c)).beginObject()
                .field("offered", r.offered(c))
                .field("acked", r.ackLatencyUs(c).getTotalCount())
                .field("e2e_completed", r.e2eLatencyUs(c).getTotalCount());
            latency(w.name("ack_latency_us"), r.ackLatencyUs(c));
            latency(w.name("e2e_latency_us"), r.e2eLatencyUs(c));
            w.endObject();
        }
        w.endObject();
    }

    private static void streams(final JsonWriter w, final LoadTestConfig c)
    {
        w.name("streams").beginObject();
        for (final StreamSpec s : c.streams())
        {
            w.name(s.name()).beginObject()
                .field("class", s.kind().name().toLowerCase(Locale.ROOT))
                .field("channel", s.channelMix())
                .field("rate", s.profile().toString())
                .field("peak_rate", s.profile().peakRate())
                .field("recipients", s.recipients().toString())
                .field("payload", s.payload().toString())
                .field("catalog", s.catalog())
                .field("connections", s.connections())
                .endObject();
        }
        w.endObject();
        w.name("engine_settings").beginObject();
        c.engineSettings().forEach(w::field);
        w.endObject();
    }

    static void slo(final JsonWriter w, final SloCheck check)
    {
        w.beginObject().field("met", check.met());
        w.name("incomplete");
        if (check.incomplete() == null)
        {
            w.nullValue();
        }
        else
        {
            w.value(check.incomplete());
        }
        w.name("conditions").beginObject();
        for (final SloCheck.Outcome o : check.outcomes())
        {
            w.name(o.condition.text).beginObject()
                .field("threshold_us", o.condition.thresholdUs);
            percentile(w, "measured_us", o.measuredUs < 0, o.measuredUs);
            w.field("met", o.met).endObject();
        }
        w.endObject().endObject();
    }

    private static void timeline(final JsonWriter w, final Timeline timeline)
    {
        // One object per interval; latencies in µs, null when the interval had no sample.
        w.name("timeline").beginArray();
        for (final Timeline.Point p : timeline.points())
        {
            w.beginObject()
                .field("t_s", p.endS)
                .field("offered_per_s", p.offeredPerS)
                .field("acked_per_s", p.ackedPerS);
            percentile(w, "ack_p50_us", p.ackP50Us < 0, p.ackP50Us);
            percentile(w, "ack_p99_us", p.ackP99Us < 0, p.ackP99Us);
            percentile(w, "ack_max_us", p.ackMaxUs < 0, p.ackMaxUs);
            percentile(w, "e2e_p99_us", p.e2eP99Us < 0, p.e2eP99Us);
            w.endObject();
        }
        w.endArray();
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
            if (r.engineLatency != null)
            {
                r.engineLatency.print(out);
            }
            distribution(out, "end-to-end latency (µs, from intended send time to PROVIDER_ACCEPTED or terminal " +
                "receipt)", r.e2eLatencyUs);
            if (r.config.slo() != null)
            {
                out.println();
                out.println("SLO " + r.config.slo() + ": " + SloCheck.evaluate(r.config.slo(), r).summary());
            }
            if (r.config.kinds().size() > 1)
            {
                for (final MessageKind kind : r.config.kinds())
                {
                    final int k = MessageClasses.index(kind);
                    distribution(out, MessageClasses.name(k) + ": ack latency (µs)", r.ackLatencyUs(k));
                    distribution(out, MessageClasses.name(k) + ": end-to-end latency (µs)", r.e2eLatencyUs(k));
                }
            }
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
