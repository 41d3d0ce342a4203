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
 * own latency breakdown for the measured period, read from its /latency, in the reports beside the client's figures.
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
                "--engine-latency-url", "http://127.0.0.1:" + engine.adminPort() + "/latency"},
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

            // the engine's window runs from its reading at the end of the warm-up to one after the drain: never more
            // than the run's ACKs (how many of the warm-up's and the first measured ones fall on either side of the
            // first reading depends on the machine's speed; EngineLatencyWindowIT shows the window exact)
            final long warmupAcked = ((Number)((Map<String, Object>)report.get("warmup")).get("acked")).longValue();
            final Map<String, Object> engineSide = (Map<String, Object>)report.get("engine_latency_us");
            assertThat(engineSide).as(json).containsKeys("ack/informational", "handoff/sms-simulated/informational");
            assertThat(((Number)engineSide.get("from_s")).doubleValue()).as("the end of the warm-up").isGreaterThanOrEqualTo(1.0);
            assertThat(((Number)engineSide.get("to_s")).doubleValue()).as("after the drain").isGreaterThanOrEqualTo(4.0);
            final Map<String, Object> engineAck = (Map<String, Object>)engineSide.get("ack/informational");
            assertThat(((Number)engineAck.get("count")).longValue()).isBetween(1L, sent + warmupAcked);
            assertThat(((Number)engineAck.get("p50")).doubleValue()).isPositive();
            assertThat(((Number)((Map<String, Object>)engineSide.get("handoff/sms-simulated/informational")).get("count"))
                .longValue()).isPositive();
            final Map<String, Object> informational =
                (Map<String, Object>)((Map<String, Object>)report.get("classes")).get("informational");
            assertThat((Map<String, Object>)informational.get("engine_ack_latency_us")).as("beside the client's")
                .isEqualTo(engineAck);
            assertThat(informational).containsKey("engine_handoff_latency_us");
            assertThat((java.util.List<Object>)report.get("engine_timeline")).as("one point a second").isNotEmpty();
            assertThat(Files.readString(out.resolve("report.txt"))).contains("frame read -> ACK", "hand-off -> send");
            assertThat(Files.readString(out.resolve("report.html"))).contains("Engine side (measured period)",
                "informational engine ack");
        }
    }
}
