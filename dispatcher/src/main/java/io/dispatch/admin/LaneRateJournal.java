package io.dispatch.admin;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.RateSettings;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.ring.DispatchEvent;

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
    private final BooleanSupplier storageFull;

    public LaneRateJournal(final RingBuffer<DispatchEvent> ring, final BooleanSupplier storageFull)
    {
        this.ring = ring;
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
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return "the dispatch ring is full";
        }
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.POLICY_UPDATE;
        e.session = null;
        e.tenantId = 0;
        e.capRules = null;
        e.channel = lane.channelType().code();
        e.ratePerSecond = settings.perSecond();
        e.rateBurst = settings.burst();
        e.reservedPercent = settings.reservedPercent();
        e.acceptedAtMs = atMs;
        ring.publish(sequence);
        RingWait.awaitProcessed(ring, sequence);
        return null;
    }
}
