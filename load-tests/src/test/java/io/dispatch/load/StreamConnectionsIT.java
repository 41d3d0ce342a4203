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
 * {@code stream.NAME.connections} against the real engine (embedded, ephemeral loopback port): the stream's
 * messages go over its own connection only, and the other stream keeps the run's shared connections.
 */
@Timeout(120)
class StreamConnectionsIT
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldSendAStreamWithItsOwnConnectionsOverThoseAlone() throws Exception
    {
        final Path scenario = dir.resolve("own.properties");
        Files.write(scenario, List.of(
            "name = own-connections",
            "warmup = 1",
            "duration = 2",
            "connections = 2",
            "engine = embedded",
            "stream.info.class = informational",
            "stream.info.rate = 300",
            "stream.info.connections = 1",
            "stream.promo.class = marketing",
            "stream.promo.channel = push",
            "stream.promo.rate = 400",
            "sim.latencyMs = 1",
            "sim.receiptDelayMs = 5",
            // Synthetic recipients have no ad consent, and the test may run in the advertising night.
            "engine.tenant.demo.consentRequired = false",
            "engine.tenant.demo.optOutFooter = 무료수신거부 080-000-0000",
            "engine.policy.night.push = off"));
        final Path out = dir.resolve("out");
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        final int exit = LoadTestMain.run(new String[] {"--scenario", scenario.toString(), "--out", out.toString()},
            new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        final String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        final Map<String, Object> report = Json.parseObject(Files.readString(out.resolve("report.json")));
        // The measured period (2 s) at 700/s in all.
        assertThat(report).containsEntry("offered", 1400L).containsEntry("acked", 1400L);

        // 3 s of the run (warm-up included): 900 informational messages, 1,200 marketing ones.
        final List<Object> connections = (List<Object>)Json.parseObject(
            Files.readString(out.resolve(ConnectionsReport.FILE))).get("connections");
        assertThat(connections).hasSize(3);
        final Map<String, Object> shared0 = (Map<String, Object>)connections.get(0);
        final Map<String, Object> shared1 = (Map<String, Object>)connections.get(1);
        final Map<String, Object> own = (Map<String, Object>)connections.get(2);
        assertThat(own).containsEntry("streams", "[info]").containsEntry("sent", 900L);
        assertThat((Map<String, Object>)((Map<String, Object>)report.get("streams")).get("info"))
            .containsEntry("connections", 1L);
        assertThat((Map<String, Object>)own.get("acked")).containsOnly(Map.entry("informational", 900L));
        for (final Map<String, Object> shared : List.of(shared0, shared1))
        {
            assertThat(shared).containsEntry("streams", "[promo]").containsEntry("sent", 600L);
            assertThat((Map<String, Object>)shared.get("acked")).containsOnly(Map.entry("marketing", 600L));
            // the flood's connections never share the dedicated stream's I/O thread
            assertThat(shared.get("ioThread")).isNotEqualTo(own.get("ioThread"));
        }
        assertThat((String)own.get("ioThread")).startsWith("loadtest-io-own");
    }
}
