package io.dispatch.load;

import io.dispatch.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole runs through {@link LoadTestMain} and the real client against {@link FakeEngine} on loopback:
 * a few seconds each. The run against the real engine is the lead's end-to-end test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadTestRunTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args)
    {
        return LoadTestMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldSendTheOfferedLoadAndReportAcksReceiptsAndIntervals(@TempDir final Path dir) throws Exception
    {
        try (FakeEngine engine = new FakeEngine().start())
        {
            final int code = run("--port", String.valueOf(engine.port()), "--rate", "400", "--warmup", "1",
                "--duration", "2", "--connections", "2", "--recipients", "500", "--out", dir.toString());

            assertThat(code).as("stderr: %s", err).isEqualTo(0);
            assertThat(engine.submits()).isEqualTo(1200);
        }
        final Map<String, Object> json = Json.parseObject(Files.readString(dir.resolve("report.json")));
        assertThat(json).containsEntry("offered", 800L)
            .containsEntry("sent", 800L)
            .containsEntry("acked", 800L)
            .containsEntry("rejected", 0L)
            .containsEntry("unsent", 0L)
            .containsEntry("unanswered", 0L)
            .containsEntry("e2e_completed", 800L)
            .containsEntry("e2e_missing", 0L)
            .containsEntry("receipts", 3600L)
            .containsEntry("drain_timed_out", false)
            .containsEntry("failed_connections", 0L);
        assertThat(((Number)json.get("throughput_per_s")).doubleValue()).isBetween(300.0, 500.0);
        assertThat((Map<String, Object>)json.get("ack_latency_us")).containsEntry("count", 800L);
        assertThat((Map<String, Object>)json.get("e2e_latency_us")).containsEntry("count", 800L);
        assertThat((Map<String, Object>)json.get("warmup")).containsEntry("sent", 400L);

        assertThat(Files.readString(dir.resolve("ack.hlog"))).contains("#[StartTime:", "\"StartTimestamp\"");
        assertThat(Files.readAllLines(dir.resolve("e2e.hlog")).stream().filter(l -> !l.startsWith("#")
            && !l.startsWith("\"")).count()).isGreaterThanOrEqualTo(3);
        assertThat(Files.readString(dir.resolve("report.txt"))).contains("ack latency", "Percentile");
        assertThat(out.toString(StandardCharsets.UTF_8))
            .contains("warmup", "measure", "offered", "acked", "receipts", "ack p99", "e2e p99", "report.json");
    }

    @Test
    void shouldFinishWhenSomeConnectionsHaveNothingToSend(@TempDir final Path dir) throws Exception
    {
        try (FakeEngine engine = new FakeEngine().start())
        {
            // One message a second for one second over four connections: three of them never send.
            final int code = run("--port", String.valueOf(engine.port()), "--rate", "1", "--warmup", "0",
                "--duration", "1", "--connections", "4", "--out", dir.toString());

            assertThat(code).as("stderr: %s", err).isEqualTo(0);
            assertThat(engine.submits()).isEqualTo(1);
        }
        assertThat(Json.parseObject(Files.readString(dir.resolve("report.json"))))
            .containsEntry("acked", 1L).containsEntry("failed_connections", 0L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowAServerStallInTheLatencyOfEveryMessageQueuedBehindIt(@TempDir final Path dir) throws Exception
    {
        try (FakeEngine engine = new FakeEngine())
        {
            // At 500/s on one connection, the stall starts 0.4 s into the measured period.
            engine.stallAfterSubmits = 300;
            engine.stallMs = 400;
            engine.start();
            final int code = run("--port", String.valueOf(engine.port()), "--rate", "500", "--warmup", "0",
                "--duration", "2", "--connections", "1", "--out", dir.toString());
            assertThat(code).as("stderr: %s", err).isEqualTo(0);
        }
        final Map<String, Object> ack = (Map<String, Object>)Json.parseObject(
            Files.readString(dir.resolve("report.json"))).get("ack_latency_us");
        // About 200 messages were due during the stall: from ~400 ms down to ~0 behind it.
        assertThat((Long)ack.get("max")).isGreaterThanOrEqualTo(380_000L);
        assertThat((Long)ack.get("p90")).isGreaterThanOrEqualTo(100_000L);
    }

    @Test
    void shouldExitOneWithAClearMessageWhenNoEngineListens(@TempDir final Path dir) throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = s.getLocalPort();
        }

        final int code = run("--port", String.valueOf(port), "--out", dir.resolve("x").toString());

        assertThat(code).isEqualTo(LoadTestMain.EXIT_FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .contains("cannot connect to 127.0.0.1:" + port + " — start the engine with scripts/dispatcher");
    }

    @Test
    void shouldExitOneAndPointAtTheKeyWhenTheEngineRefusesTheSession(@TempDir final Path dir) throws Exception
    {
        try (FakeEngine engine = new FakeEngine().start())
        {
            final int code = run("--port", String.valueOf(engine.port()), "--api-key", "wrong", "--out",
                dir.toString());

            assertThat(code).isEqualTo(LoadTestMain.EXIT_FAILED);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused the session", "AUTH_FAILED",
                "--api-key");
        }
    }
}
