package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;

/**
 * Hands each journaled, non-duplicate SUBMIT to its channel's lane: informational and auth messages to
 * the lane's priority queue, marketing to its bulk queue. Never blocks: ingest admission guarantees room.
 * For duplicates and failed appends it releases the admission taken at ingest.
 */
public final class HandoffHandler implements EventHandler<DispatchEvent>
{
    private final ConnectorLane[] laneByChannel;

    public HandoffHandler(final ConnectorLane[] laneByChannel)
    {
        this.laneByChannel = laneByChannel;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type != DispatchEvent.SUBMIT)
        {
            return;
        }
        final ConnectorLane lane = laneByChannel[e.channel];
        if (e.outcome == DispatchEvent.OUTCOME_ACCEPTED)
        {
            lane.enqueue(e.messageId, e.kind != MessageKind.MARKETING.code());
        }
        else
        {
            lane.admission().release();
        }
    }
}
