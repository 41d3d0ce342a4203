package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.CancelledCampaigns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cancelled campaign's messages never reach the provider once the lane took the cancellation in: those it
 * holds (queued, waiting for a retry) end CANCELLED, those the provider already has finish normally, and other
 * messages are not touched.
 */
@Timeout(60)
class ConnectorLaneCancelTest
{
    private static final long CANCELLED = 77;
    private static final long OTHER_CAMPAIGN = 78;

    @TempDir
    Path dir;

    private final CancelledCampaigns cancellations = new CancelledCampaigns();

    @Test
    void shouldEndQueuedAndRetryingMessagesOfACancelledCampaignAndLetInFlightOnesFinish() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.retryBaseMs", "1000", "lane.sms.retryMaxMs", "1000")))
        {
            final LaneHarness.Lane sms = lane(h);
            final List<Long> campaign = submit(h, sms, CANCELLED, 20);
            sms.lane().doWork();
            final int window = sms.provider().outstanding(); // marketing's share of the window
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.lane().doWork();
            // a window's worth waiting for their retry, one at the provider, the rest queued
            assertThat(sms.provider().outstanding()).isEqualTo(window);
            final List<Long> others = submit(h, sms, OTHER_CAMPAIGN, 2);
            others.addAll(submit(h, sms, 0, 3));
            final long admittedBefore = sms.lane().admission().inSystem();

            cancellations.cancel(CANCELLED, () -> -1L);
            sms.lane().doWork();

            final List<Long> retrying = campaign.subList(0, window);
            final List<Long> inFlight = campaign.subList(window, 2 * window);
            final List<Long> queued = campaign.subList(2 * window, 20);
            assertThat(sms.states().count(DeliveryState.CANCELLED, Reason.CANCELLED)).isEqualTo(20 - window);
            for (final long id : queued)
            {
                assertThat(last(sms, id).state()).isEqualTo(DeliveryState.CANCELLED);
            }
            for (final long id : retrying)
            {
                assertThat(last(sms, id).state()).isEqualTo(DeliveryState.CANCELLED);
                assertThat(last(sms, id).attempts()).as("its failed attempt stays on record").isEqualTo(1);
            }
            assertThat(sms.lane().admission().inSystem()).isEqualTo(admittedBefore - (20 - window));
            assertThat(sms.lane().bulkDepth()).as("the other messages wait on").isEqualTo(others.size());

            // the provider's answers for what it already had are not recalled
            sms.provider().acceptAll();
            h.clock.advance(5_000);
            sms.settle();
            sms.provider().acceptAll();
            sms.settle();
            for (final long id : inFlight)
            {
                assertThat(last(sms, id).state()).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
            }
            assertThat(sms.provider().sent.stream().filter(s -> !others.contains(s.messageId())).count())
                .as("the cancelled campaign's sends: the first attempts and those in flight, none after")
                .isEqualTo(2L * window);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsAll(others);
        }
    }

    @Test
    void shouldNotSendACancelledCampaignsMessageThatTheSweepHasNotReachedYet() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = lane(h);
            sms.states().holdJournal();
            final List<Long> campaign = submit(h, sms, CANCELLED, 3);
            // the ring has not handed everything off yet, so no sweep: the check before each send stops them
            cancellations.cancel(CANCELLED, () -> 1_000_000L);
            sms.settle();

            assertThat(sms.provider().sent).isEmpty();
            for (final long id : campaign)
            {
                assertThat(last(sms, id).state()).isEqualTo(DeliveryState.CANCELLED);
                assertThat(last(sms, id).reason()).isEqualTo(Reason.CANCELLED);
            }
            assertThat(sms.lane().admission().inSystem()).isZero();
        }
    }

    private LaneHarness.Lane lane(final LaneHarness h) throws Exception
    {
        return h.lane(ChannelType.SMS, lane -> lane.watchCancellations(cancellations));
    }

    private static List<Long> submit(final LaneHarness h, final LaneHarness.Lane lane, final long campaignId,
        final int count)
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final long id = h.acceptCampaign(campaignId, MessageKind.MARKETING, ChannelType.SMS, "010" + campaignId + i,
                86_400);
            lane.submit(id, MessageKind.MARKETING);
            ids.add(id);
        }
        return ids;
    }

    private static CapturingStateSink.Change last(final LaneHarness.Lane lane, final long id)
    {
        final List<CapturingStateSink.Change> changes = lane.states().of(id);
        return changes.get(changes.size() - 1);
    }
}
