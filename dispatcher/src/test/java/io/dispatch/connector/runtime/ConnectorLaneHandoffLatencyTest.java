package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.PrometheusTextParser.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The lane times a handed-off message's wait until its first send, per class; a resend is not timed again. */
@Timeout(30)
class ConnectorLaneHandoffLatencyTest
{
    private static final String FAMILY = "dispatch_lane_handoff_latency_seconds";

    @TempDir
    Path dir;

    @Test
    void shouldRecordTheFirstSendOfAStampedMessageOnlyAndPerClass() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01012345678", 3600);
            sms.lane().enqueue(otp, true, System.nanoTime());
            sms.settle();
            assertThat(sms.provider().sent).hasSize(1);
            // throttled: the lane sends it again from its redo queue, which is not a hand-off
            sms.provider().failAll(Reason.PROVIDER_THROTTLED, 500);
            sms.settle();
            h.clock.advance(500);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(2);
            // recovered at start-up or handed over without a stamp: not timed
            sms.lane().enqueue(h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01087654321", 3600), true);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(3);

            final Map<String, Double> counts = counts(sms.lane().metrics());
            assertThat(counts).containsEntry("auth", 1.0).containsEntry("informational", 0.0)
                .containsEntry("marketing", 0.0);
        }
    }

    private static Map<String, Double> counts(final LaneMetrics metrics)
    {
        final StringBuilder sb = new StringBuilder();
        LaneMetrics.appendPrometheus(sb, List.of(metrics));
        final Map<String, Double> counts = new java.util.HashMap<>();
        for (final Sample s : PrometheusTextParser.parse(sb.toString()).get(FAMILY).samples())
        {
            if (s.name().equals(FAMILY + "_count"))
            {
                counts.put(s.labels().get("class"), s.value());
            }
        }
        return counts;
    }
}
