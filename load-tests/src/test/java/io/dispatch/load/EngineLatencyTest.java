package io.dispatch.load;

import io.dispatch.json.Json;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's window figures from two /latency pages as the engine writes them, and how the reports show them. */
class EngineLatencyTest
{
    @Test
    @SuppressWarnings("unchecked")
    void shouldShowTheDifferenceOfTwoReadingsBesideTheClientFiguresInEveryReport()
    {
        final Histogram ackBefore = histogram("ack;class=informational", 40_000, 500);
        final Histogram ackAfter = histogram("ack;class=informational", 40_000, 500);
        ackAfter.recordValueWithCount(900_000, 100);
        final Histogram handoffBefore = histogram("handoff;lane=sms-simulated;class=informational", 10_000, 500);
        final Histogram handoffAfter = histogram("handoff;lane=sms-simulated;class=informational", 10_000, 600);
        final EngineLatency engine = EngineLatency.between(EngineLatency.Snapshot.parse(log(ackBefore, handoffBefore)),
            EngineLatency.Snapshot.parse(log(ackAfter, handoffAfter)),
            List.of(new EngineLatency.Point(3.0, new long[] {880_000, -1, -1}))).readAt(5.002, 16.5);

        assertThat(engine.ack("informational").getTotalCount()).isEqualTo(100);
        assertThat(engine.ack("informational").getMinValue()).as("the warm-up's 40 µs values are gone")
            .isGreaterThan(800_000);
        assertThat(engine.handoff("informational").getTotalCount()).isEqualTo(100);
        assertThat(engine.ack("auth")).isNull();

        final RunReport report = report(engine);
        final Map<String, Object> json = Json.parseObject(ReportWriter.toJson(report));
        final Map<String, Object> side = (Map<String, Object>)json.get("engine_latency_us");
        assertThat(side.get("from_s")).isEqualTo(5.002);
        final Map<String, Object> ack = (Map<String, Object>)side.get("ack/informational");
        assertThat(ack.get("count")).isEqualTo(100L);
        assertThat(((Number)ack.get("p99")).doubleValue()).as("µs").isBetween(895.0, 905.0);
        assertThat(((Map<String, Object>)((Map<String, Object>)json.get("classes")).get("informational"))
            .get("engine_ack_latency_us")).isEqualTo(ack);
        // whole numbers read back as longs
        assertThat((List<Object>)json.get("engine_timeline")).containsExactly(Map.of("t_s", 3L, "ack_p99_us",
            Map.of("informational", 880L)));
        assertThat(ReportWriter.toText(report)).contains("== engine side", "read at 5.002 s and 16.500 s of the run",
            "frame read -> ACK", "hand-off -> send", "sms-simulated", "n=100");
        assertThat(HtmlReport.run(report)).contains("Engine side (measured period)", "frame read → ACK",
            "informational engine ack");
    }

    @Test
    void shouldSayWhyWhenAReadingIsMissingAndRefuseAPageThatIsNoHistogramLog()
    {
        final EngineLatency engine = EngineLatency.between(null,
            EngineLatency.Snapshot.parse(log(histogram("ack;class=auth", 1_000, 1))), List.of());

        assertThat(engine.problem()).isEqualTo("the engine's /latency could not be read at the start of the measured period");
        assertThat(ReportWriter.toText(report(engine))).contains("(the engine's /latency could not be read at the start");
        assertThatThrownBy(() -> EngineLatency.Snapshot.parse("# HELP dispatch_x a metrics page\ndispatch_x 1\n"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static Histogram histogram(final String tag, final long value, final long count)
    {
        final Histogram h = new Histogram(1, 3_600_000_000_000L, 2);
        h.recordValueWithCount(value, count);
        h.setTag(tag);
        return h;
    }

    /** The page as the engine's LatencyRoute writes it. */
    private static String log(final Histogram... histograms)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final HistogramLogWriter w = new HistogramLogWriter(new PrintStream(bytes, true, StandardCharsets.US_ASCII));
        w.outputLogFormatVersion();
        w.outputStartTime(1_796_677_200_000L);
        w.outputLegend();
        for (final Histogram h : histograms)
        {
            w.outputIntervalHistogram(0, 10, h, 1e6);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private static RunReport report(final EngineLatency engine)
    {
        final Histogram ack = LatencyRecorder.newHistogram();
        ack.recordValue(1_500);
        final CounterTotals none = CounterTotals.of(List.of(new PhaseCounters()));
        return RunReport.builder().startedAt(Instant.parse("2026-12-07T21:00:00Z"))
            .config(LoadTestConfig.builder().rate(100).durationS(10).warmupS(5).connections(1).build())
            .measured(none).warmup(none).ackLatencyUs(ack).e2eLatencyUs(LatencyRecorder.newHistogram())
            .timeline(new Timeline()).engineLatency(engine).build();
    }
}
