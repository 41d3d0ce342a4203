package io.dispatch.load;

import io.dispatch.client.DispatchException;
import io.dispatch.json.Json;
import io.dispatch.protocol.ErrorCode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest
{
    private static RunReport knownReport()
    {
        // Values below 2048 are exact at 3 significant digits, so the percentiles are exact too.
        final Histogram ack = LatencyRecorder.newHistogram();
        for (long v = 1; v <= 1000; v++)
        {
            ack.recordValue(v);
        }
        final PhaseCounters measured = new PhaseCounters();
        measured.sent.set(1000);
        measured.acked.set(990);
        measured.duplicates.set(1);
        measured.onNack(ErrorCode.BACKPRESSURE);
        measured.onNack(ErrorCode.BACKPRESSURE);
        measured.onNack(ErrorCode.INVALID_FIELD);
        measured.onClientFailure(DispatchException.Kind.TIMEOUT);
        measured.e2eCompleted.set(900);
        final PhaseCounters warmup = new PhaseCounters();
        warmup.sent.set(50);
        warmup.acked.set(50);

        return RunReport.builder()
            .startedAt(Instant.parse("2026-11-25T10:15:30Z"))
            .jdk("17.0.15 (test)")
            .hostCpus(2)
            .config(LoadTestConfig.builder().rate(100).durationS(10).warmupS(1).connections(2).build())
            .offered(1005)
            .measured(CounterTotals.of(List.of(measured)))
            .warmup(CounterTotals.of(List.of(warmup)))
            .receipts(2700)
            .receiptsByState(Map.of("PROVIDER_ACCEPTED", 900L))
            .receiptsDropped(3)
            .throughputPerS(99.5)
            .ackLatencyUs(ack)
            .e2eLatencyUs(LatencyRecorder.newHistogram())
            .drainS(0.25)
            .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteTheDocumentedFieldsWithValuesFromTheHistogram()
    {
        final Map<String, Object> json = Json.parseObject(ReportWriter.toJson(knownReport()));

        assertThat(json).containsEntry("offered_rate", 100L)
            .containsEntry("duration_s", 10L)
            .containsEntry("warmup_s", 1L)
            .containsEntry("connections", 2L)
            .containsEntry("offered", 1005L)
            .containsEntry("sent", 1000L)
            .containsEntry("acked", 990L)
            .containsEntry("duplicates", 1L)
            .containsEntry("rejected", 3L)
            .containsEntry("client_failed", 1L)
            .containsEntry("unsent", 5L)
            .containsEntry("unanswered", 6L)
            .containsEntry("receipts", 2700L)
            .containsEntry("receipts_dropped", 3L)
            .containsEntry("e2e_completed", 900L)
            .containsEntry("e2e_missing", 89L)
            .containsEntry("throughput_per_s", 99.5)
            .containsEntry("jdk", "17.0.15 (test)")
            .containsEntry("host_cpus", 2L)
            .containsEntry("started_at", "2026-11-25T10:15:30Z")
            .containsEntry("target", "127.0.0.1:7700")
            .containsEntry("channel", "sms")
            .containsEntry("kind", "informational");
        assertThat((Map<String, Object>)json.get("rejected_by_code"))
            .containsExactly(Map.entry("INVALID_FIELD", 1L), Map.entry("BACKPRESSURE", 2L));
        assertThat((Map<String, Object>)json.get("client_failed_by_kind")).containsExactly(Map.entry("TIMEOUT", 1L));

        final Map<String, Object> ack = (Map<String, Object>)json.get("ack_latency_us");
        assertThat(ack).containsEntry("count", 1000L)
            .containsEntry("min", 1L)
            .containsEntry("p50", 500L)
            .containsEntry("p90", 900L)
            .containsEntry("p99", 990L)
            .containsEntry("p999", 999L)
            .containsEntry("max", 1000L)
            .containsEntry("mean", 500.5);
        assertThat(ack.keySet()).contains("p9999");

        final Map<String, Object> warmup = (Map<String, Object>)json.get("warmup");
        assertThat(warmup).containsEntry("sent", 50L).containsEntry("acked", 50L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteNullPercentilesNotZerosForASeriesWithoutSamples()
    {
        final Map<String, Object> e2e =
            (Map<String, Object>)Json.parseObject(ReportWriter.toJson(knownReport())).get("e2e_latency_us");

        assertThat(e2e).containsEntry("count", 0L);
        assertThat(e2e.get("p99")).isNull();
        assertThat(e2e.get("max")).isNull();
        assertThat(e2e).containsKeys("p50", "p999", "mean");
    }

    @Test
    void shouldWriteJsonAndTextReportsIntoTheFolder(@TempDir final Path dir) throws Exception
    {
        ReportWriter.write(knownReport(), dir.resolve("run"));

        final String json = Files.readString(dir.resolve("run/report.json"), StandardCharsets.UTF_8);
        final String text = Files.readString(dir.resolve("run/report.txt"), StandardCharsets.UTF_8);
        assertThat(Json.parseObject(json)).containsKey("ack_latency_us");
        assertThat(text).contains("ack latency", "Value     Percentile TotalCount", "#[Max     =     1000.000",
            "(no samples)", "NOTE: unsent");
    }
}
