package io.dispatch.status;

import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.PrometheusTextParser.Family;
import io.dispatch.testing.PrometheusTextParser.Sample;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClassLatencyTest
{
    private static final String NAME = "dispatch_test_latency_seconds";

    @Test
    void shouldRenderEachClassQuantilesFromTheValuesRecordedForIt()
    {
        final ClassLatency latency = new ClassLatency("lane=\"sms\",");
        for (int micros = 1; micros <= 1000; micros++)
        {
            latency.record(MessageKind.INFORMATIONAL.code(), micros * 1000L);
        }
        latency.record(MessageKind.AUTH.code(), 2_000_000L);

        final Map<String, Family> page = render(latency);

        assertThat(page.get(NAME).type()).isEqualTo("summary");
        assertThat(value(page, NAME, "informational", "0.5")).isCloseTo(0.000_500, within(0.000_005));
        assertThat(value(page, NAME, "informational", "0.99")).isCloseTo(0.000_990, within(0.000_010));
        assertThat(value(page, NAME, "informational", "1.0")).isCloseTo(0.001, within(0.000_010));
        assertThat(value(page, NAME + "_count", "informational", null)).isEqualTo(1000);
        assertThat(value(page, NAME + "_sum", "informational", null)).isCloseTo(0.5005, within(0.005));
        for (final String q : new String[] {"0.5", "0.9", "0.99", "0.999", "1.0"})
        {
            assertThat(value(page, NAME, "auth", q)).as("auth %s", q).isCloseTo(0.002, within(0.000_02));
            assertThat(value(page, NAME, "marketing", q)).as("marketing %s", q).isZero();
        }
        assertThat(value(page, NAME + "_count", "auth", null)).isEqualTo(1);
        assertThat(value(page, NAME + "_count", "marketing", null)).isZero();
    }

    @Test
    void shouldKeepCountingAcrossRendersAndClampValuesOutsideTheRange()
    {
        final ClassLatency latency = new ClassLatency("");
        latency.record(MessageKind.MARKETING.code(), 5_000L);
        render(latency);
        latency.record(MessageKind.MARKETING.code(), -7L);
        latency.record(MessageKind.MARKETING.code(), Long.MAX_VALUE);
        latency.record((byte)0, 1_000L);
        latency.record((byte)9, 1_000L);

        final Map<String, Family> page = render(latency);

        assertThat(value(page, NAME + "_count", "marketing", null)).isEqualTo(3);
        assertThat(value(page, NAME, "marketing", "0.5")).isCloseTo(0.000_005, within(0.000_000_1));
        assertThat(value(page, NAME, "marketing", "1.0")).isCloseTo(3600.0, within(36.0));
        assertThat(value(page, NAME + "_count", "informational", null)).isZero();
        assertThat(value(page, NAME + "_count", "auth", null)).isZero();
    }

    private static Map<String, Family> render(final ClassLatency latency)
    {
        final StringBuilder sb = new StringBuilder();
        ClassLatency.family(sb, NAME, "test");
        latency.appendSamples(sb, NAME);
        return PrometheusTextParser.parse(sb.toString());
    }

    private static double value(final Map<String, Family> page, final String name, final String kind, final String quantile)
    {
        return page.get(NAME).samples().stream()
            .filter(s -> s.name().equals(name) && kind.equals(s.labels().get("class"))
                && (quantile == null ? !s.labels().containsKey("quantile") : quantile.equals(s.labels().get("quantile"))))
            .mapToDouble(Sample::value).findFirst().orElseThrow(() -> new AssertionError(name + " " + kind + " " + quantile));
    }
}
