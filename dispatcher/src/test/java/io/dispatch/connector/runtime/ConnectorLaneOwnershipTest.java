package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode's hooks in the lane ({@code io.dispatch.ClusterHooks}): a message the node no longer owns ends
 * CANCELLED unsent, a campaign's message is not asked about, and while sends are held nothing is sent or ended.
 */
@Timeout(60)
class ConnectorLaneOwnershipTest
{
    @TempDir
    Path dir;

    @Test
    void shouldEndUnsentWhatTheNodeNoLongerOwnsAndHoldEverythingWhileAsked() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final Set<Long> owned = new HashSet<>();
            final boolean[] hold = {true};
            sms.lane().dispatchOnlyIf(owned::contains, () -> hold[0]);
            final long mine = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011110001", 3600);
            final long lost = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011110002", 3600);
            final long campaign = h.acceptCampaign(9, MessageKind.MARKETING, ChannelType.SMS, "01011110003", 3600);
            owned.add(mine);
            sms.submit(mine, MessageKind.INFORMATIONAL);
            sms.submit(lost, MessageKind.INFORMATIONAL);
            sms.submit(campaign, MessageKind.MARKETING);

            sms.settle();
            assertThat(sms.provider().sent).as("held: nothing sent").isEmpty();
            assertThat(sms.states().of(lost)).as("held: nothing ended").isEmpty();

            hold[0] = false;
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .containsExactlyInAnyOrder(mine, campaign);
            final List<CapturingStateSink.Change> changes = sms.states().of(lost);
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).state()).isEqualTo(DeliveryState.CANCELLED);
            assertThat(changes.get(0).reason()).isEqualTo(Reason.OWNERSHIP_LOST);
            assertThat(sms.lane().admission().inSystem()).as("the dropped one let go of its admission").isEqualTo(2);
        }
    }
}
