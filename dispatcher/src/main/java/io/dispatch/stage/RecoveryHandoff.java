package io.dispatch.stage;

import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.Recovery;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.schedule.Scheduler;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;

/**
 * Where a start hands the messages the journal says are still open: those owed a dispatch or a receipt to their
 * channel's lane, those deferred to the scheduler (and the policy stage, which answers their CANCELs), the dead
 * letters to their lane's list. Called once, after the replay, before the ring and the lanes start.
 */
public final class RecoveryHandoff implements Recovery.Sink
{
    private final ConnectorLane[] laneByChannel;
    private final Scheduler scheduler;
    private final PolicyHandler policyStage;
    private final TenantRegistry tenants;
    private final Counters counters;

    public RecoveryHandoff(
        final ConnectorLane[] laneByChannel, final Scheduler scheduler, final PolicyHandler policyStage,
        final TenantRegistry tenants, final Counters counters)
    {
        this.laneByChannel = laneByChannel;
        this.scheduler = scheduler;
        this.policyStage = policyStage;
        this.tenants = tenants;
        this.counters = counters;
    }

    @Override
    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
        final boolean uncertain)
    {
        laneByChannel[channel].recoverPending(messageId, attempts, kind, uncertain);
        counters.increment(Counter.RECOVERED_REDISPATCHED);
    }

    @Override
    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
        final long providerAcceptedAtMs, final boolean uncertain)
    {
        laneByChannel[channel].recoverAwaitingReceipt(messageId, kind, providerAcceptedAtMs, uncertain);
    }

    @Override
    public void deferred(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
        final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
        final long campaignId)
    {
        policyStage.recoverDeferred(messageId, tenantId);
        scheduler.recover(messageId, dueAtMs, recipientKey, deadlineMs, tenantId, kind, channel, prepaid,
            consentOverride, campaignId);
    }

    @Override
    public void deadLetter(final long messageId, final long atMs, final byte channel, final int tenantId,
        final byte state, final short reason, final int attempts, final byte kind)
    {
        final ConnectorLane lane = channel > 0 && channel < laneByChannel.length ? laneByChannel[channel] : null;
        final String tenant = tenants.name(tenantId);
        if (lane != null)
        {
            lane.deadLetters().recover(messageId, atMs, tenant == null ? "" : tenant, DeliveryState.of(state),
                Reason.of(reason), attempts, kind == 0 ? null : MessageKind.of(kind));
        }
    }
}
