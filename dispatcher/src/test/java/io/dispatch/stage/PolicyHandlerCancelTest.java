package io.dispatch.stage;

import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantPolicy;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.PolicyRates;
import org.agrona.concurrent.EpochClock;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy stage ends a released message of a cancelled campaign (the scheduler released it before it took
 * the cancellation in) instead of deciding it again; other releases are decided as before.
 */
class PolicyHandlerCancelTest
{
    private static final long NOW = 1_800_000_000_000L;
    private static final long CANCELLED_CAMPAIGN = 11;

    private final EpochClock clock = () -> NOW;
    private final Counters counters = new Counters();
    private final CancelledCampaigns cancelled = new CancelledCampaigns();
    private final PolicyHandler stage = new PolicyHandler(engine(), new DedupIndex(60_000), clock, counters,
        new PolicyRates(2), PolicyHandler.Wiring.NONE.withCancelled(cancelled));

    @Test
    void shouldEndAReleasedMessageOfACancelledCampaignInsteadOfDecidingIt()
    {
        stage.recoverDeferred(100, 1);
        stage.recoverDeferred(101, 1);
        cancelled.cancel(CANCELLED_CAMPAIGN, () -> -1L);

        final DispatchEvent ofCancelled = release(100, CANCELLED_CAMPAIGN);
        stage.onEvent(ofCancelled, 0, true);
        assertThat(ofCancelled.newState).isEqualTo(DeliveryState.CANCELLED.code());
        assertThat(ofCancelled.reason).isEqualTo((short)Reason.CANCELLED.code());
        assertThat(ofCancelled.decision).as("not handed to a lane").isNotEqualTo(Decision.SEND.code());
        assertThat(ofCancelled.acceptedAtMs).isEqualTo(NOW);

        final DispatchEvent ofOther = release(101, CANCELLED_CAMPAIGN + 1);
        stage.onEvent(ofOther, 1, true);
        assertThat(ofOther.newState).isNotEqualTo(DeliveryState.CANCELLED.code());
        assertThat(counters.get(Counter.POLICY_CANCELLED)).isEqualTo(1);
        assertThat(counters.get(Counter.POLICY_RELEASED)).isEqualTo(1);
        assertThat(stage.deferredCount()).isZero();
    }

    @Test
    void shouldCancelADeferredMessageForTheSchedulerWithNobodyToAnswer()
    {
        stage.recoverDeferred(200, 1);
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.CANCEL;
        e.session = null;
        e.messageId = 200;
        stage.onEvent(e, 0, true);
        assertThat(e.outcome).isEqualTo(DispatchEvent.CANCEL_DONE);
        assertThat(e.newState).isEqualTo(DeliveryState.CANCELLED.code());
        assertThat(e.reason).isEqualTo((short)Reason.CANCELLED.code());

        // a RELEASE of it already in the ring finds it no longer deferred
        final DispatchEvent late = release(200, CANCELLED_CAMPAIGN);
        stage.onEvent(late, 1, true);
        assertThat(late.outcome).isEqualTo(DispatchEvent.OUTCOME_IGNORED);
    }

    @Test
    void shouldNotCancelAnotherTenantsDeferredMessage()
    {
        stage.recoverDeferred(300, 1);
        final DispatchEvent foreign = clientCancel(300, 2);
        stage.onEvent(foreign, 0, true);
        assertThat(foreign.outcome).isEqualTo(DispatchEvent.CANCEL_NOT_FOUND);
        assertThat(foreign.newState).as("nothing journaled").isZero();
        assertThat(stage.deferredCount()).isEqualTo(1);

        final DispatchEvent own = clientCancel(300, 1);
        stage.onEvent(own, 1, true);
        assertThat(own.outcome).isEqualTo(DispatchEvent.CANCEL_DONE);
        assertThat(own.newState).isEqualTo(DeliveryState.CANCELLED.code());
        assertThat(counters.get(Counter.POLICY_CANCELLED)).isEqualTo(1);
    }

    private static DispatchEvent clientCancel(final long messageId, final int tenantId)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.CANCEL;
        e.session = new io.dispatch.ingest.SessionProxy(() -> { });
        e.messageId = messageId;
        e.tenantId = tenantId;
        return e;
    }

    private static DispatchEvent release(final long messageId, final long campaignId)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.RELEASE;
        e.messageId = messageId;
        e.campaignId = campaignId;
        e.tenantId = 1;
        e.kind = MessageKind.INFORMATIONAL.code();
        e.channel = ChannelType.SMS.code();
        e.deadlineMs = NOW + 60_000;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        return e;
    }

    private static PolicyEngine engine()
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        final Settings s = new Settings(p);
        final TenantPolicy[] tenants = new TenantPolicy[2];
        tenants[1] = TenantPolicy.read(s, "acme");
        return new PolicyEngine(PolicyConfig.read(s), tenants, new RecipientDirectory(), NOW);
    }
}
