package io.dispatch.ring;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.admin.PolicyUpdate;
import io.dispatch.admin.RateAdminRoute;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.inbound.InboundPublisher;
import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.schedule.Scheduler;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.LaneAdmission;
import io.dispatch.status.PolicyRates;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every producer publishes into slots that last carried some other event (every field holding a value no producer
 * writes): none leaves a field as the slot had it. The bug class this guards against: the scheduler's RELEASE kept the
 * previous event's decision, reason, due time, dry-run flag and campaign slot. The targeting producers and the redrive
 * copy are covered in their packages ({@code TargetingTranslatorsTest}, {@code RedriveTranslatorTest}).
 */
class TranslatorResetTest
{
    private static final long NOW = 1_800_000_000_000L;

    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 16);
    private final List<TenantConfig> tenantConfigs = List.of(new TenantConfig(1, "acme", "k"));
    private final TenantRegistry tenants = new TenantRegistry(tenantConfigs);

    @BeforeEach
    void dirtyEverySlot()
    {
        for (int s = 0; s < ring.getBufferSize(); s++)
        {
            SlotSentinels.dirty(ring.get(s));
        }
    }

    @Test
    void resetLeavesNoFieldAsTheSlotHadIt()
    {
        final DispatchEvent e = ring.get(0);
        assertThat(SlotSentinels.stale(e)).as("dirty() reaches every field").hasSizeGreaterThan(40);

        e.reset(DispatchEvent.RELEASE);

        assertThat(SlotSentinels.stale(e)).isEmpty();
        assertThat(e.type).isEqualTo(DispatchEvent.RELEASE);
        assertThat(e.consentOverride).as("no directory override").isEqualTo(-1);
        assertThat(e.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
    }

    @Test
    void clearReferencesDropsEveryObjectTheSlotHolds()
    {
        final DispatchEvent e = ring.get(0);

        new ClearingHandler().onEvent(e, 0, true);

        assertThat(e.session).isNull();
        assertThat(e.inboundAnswer).isNull();
        assertThat(e.capRules).isNull();
    }

    @Test
    void statePublisherFillsStateBatchesFallbacksAndLateReceiptsFromScratch()
    {
        final StatePublisher publisher = new StatePublisher(ring, new RingPorts(16, 50).lanes());
        publisher.publish(7, DeliveryState.DELIVERED, 1, ChannelType.SMS.code(), Reason.NONE, NOW);
        final DispatchEvent state = published(publisher.flush());
        assertThat(state.type).isEqualTo(DispatchEvent.STATE);
        assertThat(state.stateCount).isEqualTo(1);
        assertThat(SlotSentinels.stale(state)).isEmpty();

        publisher.fallBack(8, ChannelType.PUSH.code(), Reason.RECEIPT_TIMEOUT, NOW + 1, true);
        final DispatchEvent fallback = published(ring.getCursor());
        assertThat(fallback.type).isEqualTo(DispatchEvent.FALLBACK);
        assertThat(fallback.messageId).isEqualTo(8);
        assertThat(fallback.channel).isEqualTo(ChannelType.PUSH.code());
        assertThat(fallback.reason).isEqualTo((short)Reason.RECEIPT_TIMEOUT.code());
        assertThat(fallback.acceptedAtMs).isEqualTo(NOW + 1);
        assertThat(fallback.newState).as("decided again on the new channel").isZero();
        assertThat(SlotSentinels.stale(fallback)).isEmpty();

        publisher.lateReceipt(9, ChannelType.SMS.code(), DeliveryState.DELIVERED, Reason.NONE, NOW + 2);
        final DispatchEvent late = published(ring.getCursor());
        assertThat(late.type).isEqualTo(DispatchEvent.LATE_RECEIPT);
        assertThat(late.messageId).isEqualTo(9);
        assertThat(late.newState).isEqualTo(DeliveryState.DELIVERED.code());
        assertThat(late.acceptedAtMs).isEqualTo(NOW + 2);
        assertThat(SlotSentinels.stale(late)).isEmpty();
    }

    @Test
    void inboundPublisherFillsAnInboundEventFromScratch()
    {
        final InboundPublisher publisher = new InboundPublisher(ring, new RingPorts(16, 50).inbound(), tenants);

        assertThat(publisher.offer(new InboundEvent(InboundEvent.Kind.MESSAGE, "acme", ChannelType.CHAT, "psid-1",
            "page-9", 0, "hello", "{}", "mid-1", NOW))).isNotDone();

        final DispatchEvent e = published(ring.getCursor());
        assertThat(e.type).isEqualTo(DispatchEvent.INBOUND);
        assertThat(e.tenantId).isEqualTo(1);
        assertThat(e.acceptedAtMs).isEqualTo(NOW);
        assertThat(e.inboundAnswer).isNotNull();
        assertThat(SlotSentinels.stale(e)).isEmpty();
    }

    @Test
    void adminChangesFillPolicyUpdatesFromScratch()
    {
        final RateAdminRoute route = new RateAdminRoute(ring, new RingPorts(16, 50).admin(), tenants, tenantConfigs,
            new PolicyRates(2), new PolicyCaps(2), () -> false);

        assertThat(route.handle("POST", new QueryStringDecoder("/tenants/acme/caps?kind=marketing&rules=2/1h"))
            .status()).isEqualTo(200);
        final DispatchEvent caps = published(ring.getCursor());
        assertThat(caps.type).isEqualTo(DispatchEvent.POLICY_UPDATE);
        assertThat(caps.capRules).hasToString("2/1h");
        assertThat(SlotSentinels.stale(caps)).isEmpty();

        assertThat(route.handle("POST", new QueryStringDecoder("/tenants/acme/rate?perSecond=5")).status())
            .isEqualTo(200);
        final DispatchEvent rate = published(ring.getCursor());
        assertThat(rate.ratePerSecond).isEqualTo(5);
        assertThat(rate.capRules).as("a rate, not caps").isNull();
        assertThat(SlotSentinels.stale(rate)).isEmpty();

        final long lane = new RingPorts(16, 50).admin().tryPublish(ring, PolicyUpdate.TRANSLATOR,
            PolicyUpdate.laneRate(ChannelType.SMS.code(), 100, 10, 20, NOW));
        final DispatchEvent laneRate = published(lane);
        assertThat(laneRate.tenantId).as("a lane's rate").isZero();
        assertThat(laneRate.reservedPercent).isEqualTo(20);
        assertThat(laneRate.acceptedAtMs).isEqualTo(NOW);
        assertThat(SlotSentinels.stale(laneRate)).isEmpty();
    }

    @Test
    void schedulerFillsAReleaseFromScratch()
    {
        final LaneAdmission[] admissions = new LaneAdmission[ChannelType.CODES];
        admissions[ChannelType.SMS.code()] = new LaneAdmission(10);
        final long[] now = {NOW};
        final Scheduler scheduler = new Scheduler(new RingPorts(16, 50).scheduler(), admissions, () -> now[0],
            1 << 16, new CancelledCampaigns());
        scheduler.ring(ring);
        assertThat(scheduler.defer(11, NOW + 100, 77, NOW + 60_000, 1, MessageKind.INFORMATIONAL.code(),
            ChannelType.SMS.code(), false, -1, 0)).isTrue();

        now[0] = NOW + 100;
        for (int i = 0; i < 3 && ring.getCursor() < 0; i++)
        {
            scheduler.doWork();
        }

        final DispatchEvent e = published(ring.getCursor());
        assertThat(e.type).isEqualTo(DispatchEvent.RELEASE);
        assertThat(e.messageId).isEqualTo(11);
        assertThat(e.recipientKey).isEqualTo(77);
        assertThat(e.deadlineMs).isEqualTo(NOW + 60_000);
        assertThat(SlotSentinels.stale(e)).as("decision, reason, dueAtMs, dryRun, campaignSlot…").isEmpty();
    }

    @Test
    void clusterFeederFillsAnAcceptedSubmitFromScratch()
    {
        final DispatcherConfig config = DispatcherConfig.from(new Settings(new Properties()));
        final LaneAdmission[] admissions = new LaneAdmission[ChannelType.CODES];
        admissions[ChannelType.SMS.code()] = new LaneAdmission(10);
        final IngestContext context = new IngestContext(config, ring, new RingPorts(16, 50), admissions,
            tenants, new TemplateRegistry(Map.of()), new SessionRegistry(), new Counters(),
            () -> NOW, null, null, null, IngestContext.ClusterSeams.NONE);
        final AcceptedPublisher publisher = context.acceptedPublisher();
        final byte[] body = {1, 2, 3, 4, 5};

        final long sequence = publisher.tryPublish(1, MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), NOW,
            body, 1, 3);

        final DispatchEvent e = published(sequence);
        assertThat(e.type).isEqualTo(DispatchEvent.SUBMIT);
        assertThat(e.sendAtMs).isEqualTo(NOW);
        assertThat(e.bodyLength).isEqualTo(3);
        assertThat(e.body[0]).isEqualTo((byte)2);
        assertThat(SlotSentinels.stale(e)).isEmpty();
    }

    private DispatchEvent published(final long sequence)
    {
        assertThat(sequence).as("published").isNotNegative();
        return ring.get(sequence);
    }
}
