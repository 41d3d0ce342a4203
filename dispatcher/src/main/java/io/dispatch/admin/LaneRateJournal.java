package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.RateSettings;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;

import java.util.function.BooleanSupplier;

/**
 * Journals a lane's runtime rate change as a RATE record with no tenant (the lane of its channel): published into
 * the dispatch ring as a POLICY_UPDATE of tenant 0, so the journal stage, the journal's only appender, writes it in
 * order with the traffic. Returns once every stage has passed the event, i.e. the record is appended, so the change
 * is in the journal before it takes effect and before the operator is told it did. A ring that does not get there
 * within a second is stalled: the record is published and will be appended in order, so the change goes ahead.
 * Admin thread.
 */
public final class LaneRateJournal implements LaneAdmin.RateJournal
{
    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final BooleanSupplier storageFull;

    /** @param port the admin port ({@code RingPorts#admin}). */
    public LaneRateJournal(final RingBuffer<DispatchEvent> ring, final RingPort port, final BooleanSupplier storageFull)
    {
        this.ring = ring;
        this.port = port;
        this.storageFull = storageFull;
    }

    @Override
    public String journal(final ConnectorLane lane, final RateSettings settings, final long atMs)
    {
        if (storageFull.getAsBoolean())
        {
            // the journal stage would refuse the record, and a change a restart forgets is not what was asked for
            return "the journal's disk is below journal.minFreeBytes (STORAGE_FULL)";
        }
        final long sequence = port.tryPublish(ring, PolicyUpdate.TRANSLATOR, PolicyUpdate.laneRate(
            lane.channelType().code(), settings.perSecond(), settings.burst(), settings.reservedPercent(), atMs));
        if (sequence == RingPort.NO_ROOM)
        {
            return "the dispatch ring is full";
        }
        RingWait.awaitProcessed(ring, sequence);
        return null;
    }
}
