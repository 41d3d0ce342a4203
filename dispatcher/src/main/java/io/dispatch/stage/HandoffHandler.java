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
 * messages go to the {@link Scheduler}; every other outcome (duplicate, suppressed, dry run, refused, failed
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
        if (e.type != DispatchEvent.SUBMIT && e.type != DispatchEvent.RELEASE)
        {
            return;
        }
        final ConnectorLane lane = laneByChannel[e.channel];
        final boolean live = e.outcome == DispatchEvent.OUTCOME_ACCEPTED;
        final boolean isPriority = e.kind != MessageKind.MARKETING.code();
        if (live && e.decision == Decision.SEND.code())
        {
            lane.enqueue(e.messageId, isPriority);
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
}
