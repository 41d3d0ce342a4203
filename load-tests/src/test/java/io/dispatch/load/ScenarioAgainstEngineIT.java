package io.dispatch.load;

import io.dispatch.json.Json;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A two-class scenario (steady informational SMS plus a marketing push burst) through scripts/loadtest's
 * main against the real engine, embedded on an ephemeral loopback port: per-class counts, histograms,
 * interval logs and the HTML report.
 */
@Timeout(120)
class ScenarioAgainstEngineIT
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldKeepEachClassInItsOwnHistogramsLogsAndReportSections() throws Exception
    {
        final Path scenario = dir.resolve("burst.properties");
        Files.write(scenario, List.of(
            "name = burst-test",
            "warmup = 1",
            "duration = 3",
            "connections = 2",
            "engine = embedded",
            "stream.info.class = informational",
            "stream.info.rate = 300",
            "stream.info.recipients = uniform 1000",
            "stream.promo.class = marketing",
            "stream.promo.channel = push:1,chat:1",
            "stream.promo.rate = 200",
            "stream.promo.start = 1s",
            "stream.promo.stop = 3s",
            "stream.promo.payload = uniform 20 200",
            "stream.promo.recipients = hot 1000 50% 10",
            "sim.latencyMs = 1",
            "sim.receiptDelayMs = 5",
            // Synthetic recipients have no ad consent, and the test may run in the advertising night.
            "engine.tenant.demo.consentRequired = false",
            "engine.tenant.demo.optOutFooter = 무료수신거부 080-000-0000",
            "engine.policy.night.push = off",
            "engine.policy.night.chat = off",
            "engine.policy.blackout.chat = off",
            // Generous: the point is the verdict's plumbing, not this machine's speed.
            "slo = p99.9.e2e<60s,p99.ack.marketing<60s"));
        final Path out = dir.resolve("out");
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        final int exit = LoadTestMain.run(new String[] {"--scenario", scenario.toString(), "--out", out.toString()},
            new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        final String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("embedded engine on 127.0.0.1:", "informational ack/e2e p99",
            "marketing ack/e2e p99", "SLO p99.9.e2e<60s,p99.ack.marketing<60s met:");

        final Map<String, Object> report = Json.parseObject(Files.readString(out.resolve("report.json")));
        assertThat(report).containsEntry("scenario", "burst-test").containsEntry("engine", "embedded")
            .containsEntry("kind", "mixed").containsEntry("offered", 1300L).containsEntry("acked", 1300L)
            .containsEntry("e2e_missing", 0L);
        final Map<String, Object> classes = (Map<String, Object>)report.get("classes");
        assertThat(classes).containsOnlyKeys("informational", "marketing");
        final Map<String, Object> info = (Map<String, Object>)classes.get("informational");
        final Map<String, Object> promo = (Map<String, Object>)classes.get("marketing");
        // Everything intended in the measured period (1 s .. 4 s): 3 s at 300/s, and the burst's 2 s at 200/s.
        assertThat(info).containsEntry("offered", 900L).containsEntry("acked", 900L).containsEntry("e2e_completed", 900L);
        assertThat(promo).containsEntry("offered", 400L).containsEntry("acked", 400L).containsEntry("e2e_completed", 400L);
        assertThat((Map<String, Object>)promo.get("ack_latency_us")).containsEntry("count", 400L);
        assertThat((Map<String, Object>)info.get("e2e_latency_us")).containsEntry("count", 900L);
        assertThat((Map<String, Object>)((Map<String, Object>)report.get("slo"))).containsEntry("met", true);
        // the embedded engine's own figures, read from its ephemeral admin port without a flag
        assertThat((Map<String, Object>)report.get("engine_latency_us")).containsKeys("ack/informational", "ack/marketing")
            .doesNotContainKey("problem");
        assertThat(info).containsKey("engine_ack_latency_us");
        assertThat((List<Object>)report.get("timeline")).hasSizeGreaterThanOrEqualTo(4);
        assertThat((Map<String, Object>)report.get("engine_settings"))
            .containsEntry("lane.push.connector.latencyMs", "1");
        // Every completing receipt was a provider acceptance: nothing suppressed, deferred or refused.
        assertThat((Map<String, Object>)report.get("receipts_by_state")).containsOnlyKeys("PROVIDER_ACCEPTED");

        assertThat(totalCount(out.resolve("ack.informational.hlog"))).isEqualTo(900);
        assertThat(totalCount(out.resolve("ack.marketing.hlog"))).isEqualTo(400);
        assertThat(totalCount(out.resolve("e2e.marketing.hlog"))).isEqualTo(400);
        assertThat(totalCount(out.resolve("ack.hlog"))).isEqualTo(1300);
        assertThat(out.resolve("ack.auth.hlog")).doesNotExist();

        final String html = Files.readString(out.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("burst-test", "Throughput over time",
            "Ack latency by percentile, per class", "End-to-end latency by percentile, per class",
            "Ack vs end-to-end latency", "p99 latency per interval", "informational (900)", "marketing (400)",
            "id=\"report-data\"", "\"offered\": 1300");
        assertThat(count(html, "<svg ")).isEqualTo(5);
        assertThat(count(html, "<path ")).isGreaterThanOrEqualTo(10);
        // Self-contained: no script or stylesheet from anywhere, no address but the SVG namespace.
        assertThat(html).doesNotContain("<script src", "<link ", "https://");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
    }

    private static long totalCount(final Path hlog) throws IOException
    {
        final HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        long total = 0;
        Histogram h;
        while ((h = (Histogram)reader.nextIntervalHistogram()) != null)
        {
            total += h.getTotalCount();
        }
        reader.close();
        return total;
    }

    private static int count(final String s, final String what)
    {
        final Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }
}
