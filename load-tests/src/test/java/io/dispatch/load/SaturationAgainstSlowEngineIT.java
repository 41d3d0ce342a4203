package io.dispatch.load;

import io.dispatch.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saturation mode against a deliberately slow engine: an SMS provider answering after 20 ms with a window
 * of 2 can take at most 100 msg/s, so the end-to-end SLO must break by 200 msg/s whatever the machine's
 * load. Asserts the sweep's structure (ascending steps, an early stop, the knee below the ceiling), not
 * its exact numbers.
 */
@Timeout(180)
class SaturationAgainstSlowEngineIT
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldFindTheKneeStopEarlyAndPlotTheCurve() throws Exception
    {
        final Path out = dir.resolve("sweep");
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        final int exit = LoadTestMain.run(new String[] {
            "--engine", "embedded", "--connections", "1", "--saturate", "--slo", "p99.e2e<250ms",
            "--set", "sim.sms.latencyMs=20", "--set", "engine.lane.sms.window=2",
            "--set", "saturation.start=40", "--set", "saturation.step=80", "--set", "saturation.max=680",
            "--set", "saturation.step-duration=2", "--set", "saturation.warmup=1", "--out", out.toString()},
            new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        final String printed = stdout.toString(StandardCharsets.UTF_8);
        final Map<String, Object> report = Json.parseObject(Files.readString(out.resolve("report.json")));
        assertThat(exit).as(printed).isIn(LoadTestMain.EXIT_OK, LoadTestMain.EXIT_SLO_MISSED);
        assertThat(report).containsEntry("mode", "saturation").containsEntry("slo", "p99.e2e<250ms")
            .containsEntry("stopped_early", true);
        final List<Object> steps = (List<Object>)report.get("steps");
        // 9 steps were possible (40 .. 680); the ceiling of 100 msg/s ends the sweep long before.
        assertThat(steps).hasSizeBetween(1, 8);
        double previous = 0;
        for (final Object o : steps)
        {
            final Map<String, Object> step = (Map<String, Object>)o;
            final double rate = ((Number)step.get("rate")).doubleValue();
            assertThat(rate).isGreaterThan(previous);
            previous = rate;
            assertThat(out.resolve((String)step.get("dir")).resolve("report.html")).isNotEmptyFile();
            assertThat(step).containsKeys("ack_p99_us", "ack_p999_us", "e2e_p99_us", "throughput_per_s", "slo");
        }
        final Map<String, Object> last = (Map<String, Object>)steps.get(steps.size() - 1);
        assertThat((Map<String, Object>)last.get("slo")).containsEntry("met", false);
        final double firstFailing = ((Number)report.get("first_failing_rate")).doubleValue();
        assertThat(firstFailing).isLessThanOrEqualTo(200);
        final Object best = report.get("max_rate_meeting_slo");
        if (best != null)
        {
            assertThat(((Number)best).doubleValue()).isLessThan(firstFailing);
        }
        assertThat(printed).contains("saturation step 1/9 at 40 msg/s", "highest rate meeting the SLO");

        final String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("Latency vs offered rate", "Throughput vs offered rate", "SLO p99.e2e&lt;250ms",
            "ack p99", "e2e p99.9", "id=\"report-data\"");
    }
}
