package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectorLane#stopSending()}: no new provider call, the outcomes of the calls made are still taken in
 * and published, and the lane reports drained only once none is open.
 */
@Timeout(60)
class ConnectorLaneDrainTest
{
    @TempDir
    Path dir;

    @Test
    void shouldTakeInTheOutcomesOfOpenCallsAndStartNoNewOne() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 12; i++)
            {
                sms.submit(h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "010" + i, 86_400), MessageKind.INFORMATIONAL);
            }
            sms.settle();
            assertThat(sms.provider().outstanding()).as("the window (8) is full").isEqualTo(8);

            sms.lane().stopSending();
            sms.settle();
            assertThat(sms.lane().isDrained()).as("8 calls open").isFalse();

            final long firstSent = sms.provider().sent.get(0).messageId();
            sms.provider().acceptAll();
            sms.lane().doWork();
            assertThat(sms.lane().isDrained()).as("not before a cycle without outcomes").isFalse();
            sms.lane().doWork();

            assertThat(sms.lane().isDrained()).isTrue();
            assertThat(sms.provider().sent).as("no call after stopSending, with the window free again").hasSize(8);
            assertThat(sms.states().count(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE)).isEqualTo(8);
            assertThat(sms.states().of(firstSent)).extracting(CapturingStateSink.Change::state)
                .containsExactly(DeliveryState.DISPATCHED, DeliveryState.PROVIDER_ACCEPTED);
            assertThat(sms.lane().heldForRestart()).as("queued for the next start").isEqualTo(4);
        }
    }

    @Test
    void shouldReportAnIdleLaneDrainedAtOnce() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            sms.lane().stopSending();
            sms.lane().doWork();
            assertThat(sms.lane().isDrained()).isTrue();
            assertThat(sms.lane().heldForRestart()).isZero();
        }
    }
}
