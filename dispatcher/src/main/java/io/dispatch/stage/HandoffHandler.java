package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.schedule.Scheduler;

/**
 * Hands each journaled SUBMIT the policies let through, and each released deferred message, to its channel's
 * lane: informational and auth messages to the lane's priority queue, marketing to its bulk queue. Deferred
 * messages go to the {@link Scheduler}, and so do fallbacks, decided again on their new channel; every other outcome (duplicate, suppressed, dry run, refused, failed
 * append) releases the lane admission taken at ingest (or by the scheduler). Never blocks on a lane: admission
 * guarantees room.
 */
public final class HandoffHandler implements EventHandler<DispatchEvent>
{
    private final ConnectorLane[] laneByChannel;
    private final Scheduler scheduler;

    public HandoffHandler(final ConnectorLane[] laneByChannel, final Scheduler scheduler)
    {
        this.laneByChannel = laneByChannel;
        this.scheduler = scheduler;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type == DispatchEvent.FALLBACK)
        {
            onFallback(e);
            return;
        }
        if (e.type != DispatchEvent.SUBMIT && e.type != DispatchEvent.RELEASE)
        {
            return;
        }
        final ConnectorLane lane = laneByChannel[e.channel];
        final boolean live = e.outcome == DispatchEvent.OUTCOME_ACCEPTED;
        final boolean isPriority = e.kind != MessageKind.MARKETING.code();
        if (live && e.decision == Decision.SEND.code())
        {
            // an ACKed message's hand-off time (a campaign's is never ACKed): the lane times its wait to the first send
            final long handedOffNs = e.type == DispatchEvent.SUBMIT && e.session != null ? System.nanoTime() : 0;
            lane.enqueue(e.messageId, isPriority, handedOffNs);
            return;
        }
        lane.admission().release(isPriority);
        if (live && e.decision == Decision.DEFER.code())
        {
            while (!scheduler.defer(e.messageId, e.dueAtMs, e.recipientKey, e.deadlineMs, e.tenantId, e.kind, e.channel,
                e.prepaid, e.consentOverride, e.campaignId))
            {
                // the scheduler drains its inbox continuously; a full inbox is a brief burst of deferrals
                Thread.onSpinWait();
            }
        }
    }

    /**
     * A fallback the policy stage let through goes to the new channel's lane ahead of its fresh messages; one it
     * deferred goes to the scheduler on the new channel. The lane it left released its admission.
     */
    private void onFallback(final DispatchEvent e)
    {
        if (e.outcome != DispatchEvent.OUTCOME_ACCEPTED)
        {
            return;
        }
        if (e.decision == Decision.SEND.code())
        {
            laneByChannel[e.channel].acceptFallback(e.messageId, e.kind != MessageKind.MARKETING.code());
        }
        else if (e.decision == Decision.DEFER.code())
        {
            while (!scheduler.defer(e.messageId, e.dueAtMs, e.recipientKey, e.deadlineMs, e.tenantId, e.kind, e.channel,
                e.prepaid, e.consentOverride, e.campaignId))
            {
                Thread.onSpinWait();
            }
        }
    }
}
