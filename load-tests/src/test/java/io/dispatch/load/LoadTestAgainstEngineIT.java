package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.json.Json;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/loadtest's main against the real engine over loopback: every message acked and receipted, and the engine's
 * own latency breakdown, read from its /metrics, in the report beside the client's figures.
 */
@Timeout(120)
class LoadTestAgainstEngineIT
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldAckAndReceiptEveryMessageAtAModestRate() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir.resolve("engine"));
        // The fixture's 4,096-slot ring reaches its high-water mark (BACKPRESSURE NACKs) when a loaded 2-core
        // machine starves the ring thread for a second at 2,000 msg/s; this test is about acks and receipts.
        settings.set("ring.size", "65536");
        try (Dispatcher engine = EngineFixture.launch(settings))
        {
            final Path out = dir.resolve("report");
            final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            final int exit = LoadTestMain.run(new String[] {
                "--port", Integer.toString(engine.port()), "--rate", "2000", "--duration", "3", "--warmup", "1",
                "--connections", "2", "--out", out.toString(),
                "--metrics-url", "http://127.0.0.1:" + engine.adminPort() + "/metrics"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
            assertThat(exit).as(stdout.toString(StandardCharsets.UTF_8)).isZero();

            final String json = Files.readString(out.resolve("report.json"));
            final Map<String, Object> report = (Map<String, Object>)Json.parse(json);
            final long sent = ((Number)report.get("sent")).longValue();
            assertThat(sent).isBetween(5_500L, 6_500L);
            assertThat(((Number)report.get("acked")).longValue()).as(json).isEqualTo(sent);
            assertThat(((Number)report.get("rejected")).longValue()).isZero();
            assertThat(((Number)report.get("e2e_missing")).longValue()).isZero();
            final Map<String, Object> ack = (Map<String, Object>)report.get("ack_latency_us");
            assertThat(((Number)ack.get("p50")).doubleValue()).isPositive();
            assertThat(((Number)ack.get("max")).doubleValue()).isGreaterThanOrEqualTo(((Number)ack.get("p99")).doubleValue());
            assertThat(out.resolve("ack.hlog")).isNotEmptyFile();

            // the engine counted every ACK of the run, warm-up included, and timed each message's hand-off to its lane
            final Map<String, Object> engineSide = (Map<String, Object>)report.get("engine_latency_us");
            assertThat(engineSide).as(json).containsKeys("ack/informational", "handoff/sms-simulated/informational");
            final Map<String, Object> engineAck = (Map<String, Object>)engineSide.get("ack/informational");
            assertThat(((Number)engineAck.get("count")).longValue()).isGreaterThanOrEqualTo(sent);
            assertThat(((Number)engineAck.get("p50")).doubleValue()).isPositive();
            assertThat(((Number)((Map<String, Object>)engineSide.get("handoff/sms-simulated/informational")).get("count"))
                .longValue()).isGreaterThanOrEqualTo(sent);
            assertThat(Files.readString(out.resolve("report.txt"))).contains("frame read -> ACK", "hand-off -> send");
        }
    }
}
