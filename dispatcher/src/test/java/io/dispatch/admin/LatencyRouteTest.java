package io.dispatch.admin;

import io.dispatch.protocol.MessageKind;
import io.dispatch.status.ClassLatency;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code /latency}: the ack and hand-off histograms as an HdrHistogram log that decodes to exactly what was recorded. */
class LatencyRouteTest
{
    private static final long START_MS = 1_700_000_000_000L;

    @Test
    void shouldServeEverySeriesAsATaggedHistogramThatDecodesToTheRecordedValues()
    {
        final ClassLatency ack = new ClassLatency("");
        final ClassLatency sms = new ClassLatency("lane=\"sms-simulated\",");
        final Map<String, ClassLatency> lanes = new LinkedHashMap<>();
        lanes.put("sms-simulated", sms);
        lanes.put("push simulated", new ClassLatency("lane=\"push simulated\","));
        for (int micros = 1; micros <= 1000; micros++)
        {
            ack.record(MessageKind.INFORMATIONAL.code(), micros * 1000L);
        }
        ack.record(MessageKind.AUTH.code(), 2_000_000L);
        sms.record(MessageKind.MARKETING.code(), 7_000_000L);
        sms.record(MessageKind.MARKETING.code(), 9_000_000L);
        final LatencyRoute route = new LatencyRoute(ack, lanes, START_MS);

        final Map<String, Histogram> log = decode(route.render(START_MS + 12_500));

        assertThat(log.keySet()).containsExactly(
            "ack;class=informational", "ack;class=auth", "ack;class=marketing",
            "handoff;lane=sms-simulated;class=informational", "handoff;lane=sms-simulated;class=auth",
            "handoff;lane=sms-simulated;class=marketing",
            "handoff;lane=push_simulated;class=informational", "handoff;lane=push_simulated;class=auth",
            "handoff;lane=push_simulated;class=marketing");
        final Histogram informational = log.get("ack;class=informational");
        assertThat(informational.getTotalCount()).isEqualTo(1000);
        assertThat((double)informational.getValueAtPercentile(99)).isCloseTo(990_000, within(10_000.0));
        assertThat(informational.getStartTimeStamp()).isEqualTo(START_MS);
        assertThat(informational.getEndTimeStamp()).isEqualTo(START_MS + 12_500);
        assertThat(log.get("ack;class=auth").getTotalCount()).isEqualTo(1);
        assertThat((double)log.get("ack;class=auth").getMaxValue()).isCloseTo(2_000_000, within(20_000.0));
        assertThat(log.get("ack;class=marketing").getTotalCount()).isZero();
        final Histogram handoff = log.get("handoff;lane=sms-simulated;class=marketing");
        assertThat(handoff.getTotalCount()).isEqualTo(2);
        assertThat((double)handoff.getMinValue()).isCloseTo(7_000_000, within(70_000.0));
        assertThat(log.get("handoff;lane=push_simulated;class=marketing").getTotalCount()).isZero();
    }

    @Test
    void shouldKeepCountingAcrossReadsSoTwoReadingsSubtractToWhatCameBetween()
    {
        final ClassLatency ack = new ClassLatency("");
        final LatencyRoute route = new LatencyRoute(ack, Map.of(), START_MS);
        for (int i = 0; i < 50; i++)
        {
            ack.record(MessageKind.AUTH.code(), 1_000L);
        }
        final Histogram before = decode(route.render(START_MS + 1_000)).get("ack;class=auth");
        for (int i = 0; i < 7; i++)
        {
            ack.record(MessageKind.AUTH.code(), 5_000_000L);
        }

        final Histogram after = decode(route.render(START_MS + 2_000)).get("ack;class=auth");
        after.subtract(before);

        assertThat(after.getTotalCount()).isEqualTo(7);
        assertThat((double)after.getValueAtPercentile(50)).isCloseTo(5_000_000, within(50_000.0));
    }

    @Test
    void shouldAnswerOnlyGetAndWithoutAToken()
    {
        final LatencyRoute route = new LatencyRoute(new ClassLatency(""), Map.of(), START_MS);

        assertThat(route.open()).isTrue();
        assertThat(route.handle("POST", new QueryStringDecoder("/latency")).status()).isEqualTo(405);
        assertThat(route.handle("GET", new QueryStringDecoder("/latency")).status()).isEqualTo(200);
    }

    static Map<String, Histogram> decode(final String log)
    {
        final Map<String, Histogram> out = new LinkedHashMap<>();
        final HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(log.getBytes(StandardCharsets.US_ASCII)));
        while (reader.hasNext())
        {
            final Histogram h = (Histogram)reader.nextIntervalHistogram();
            out.put(h.getTag(), h);
        }
        return out;
    }
}
