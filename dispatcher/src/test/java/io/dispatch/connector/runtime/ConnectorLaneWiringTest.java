package io.dispatch.connector.runtime;

import io.dispatch.connector.InboundSink;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.status.CancelledCampaigns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A lane's collaborators are wired before it starts: on a running lane every wiring setter is refused, naming the
 * lane and the part, and the lane goes on with what it was started with.
 */
@Timeout(60)
class ConnectorLaneWiringTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseToRewireARunningLaneAndKeepItsWiring() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final ConnectorLane running = chat.lane();

            assertThatThrownBy(() -> running.fallbackTo(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lane " + running.name() + ": the fallback lane is wired before start");
            assertThatThrownBy(() -> running.watchCancellations(new CancelledCampaigns()))
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> running.dispatchOnlyIf(id -> false, () -> true))
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> running.onUnregistered((tenant, recipient) -> { }))
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> running.inboundSink(InboundSink.NONE)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(running::startOnCallerThread).isInstanceOf(IllegalStateException.class);

            // the fallback wired before start still takes the non-user's message
            final long nonUser = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "nochat-01033334444", 3600);
            chat.submit(nonUser, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().acceptAll();
            chat.settle();
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(nonUser);
            assertThat(chat.states().of(nonUser)).extracting(CapturingStateSink.Change::state)
                .doesNotContain(DeliveryState.CANCELLED);
        }
    }
}
