package io.dispatch.ingest;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counters;

/** What every ingest session shares. Immutable apart from the shutdown flag; thread-safe. */
public final class IngestContext
{
    final RingBuffer<DispatchEvent> ring;
    final LaneAdmission[] admissionByChannel;
    final TenantRegistry tenants;
    final TemplateRegistry templates;
    final SessionRegistry sessions;
    final Counters counters;
    final int initialCredit;
    final int maxFrameLength;
    final int receiptBufferRecords;
    final long ringReserve;
    final long creditReserve;
    private volatile boolean shuttingDown;

    public IngestContext(
        final DispatcherConfig config,
        final RingBuffer<DispatchEvent> ring,
        final LaneAdmission[] admissionByChannel,
        final TenantRegistry tenants,
        final TemplateRegistry templates,
        final SessionRegistry sessions,
        final Counters counters)
    {
        this.ring = ring;
        this.admissionByChannel = admissionByChannel;
        this.tenants = tenants;
        this.templates = templates;
        this.sessions = sessions;
        this.counters = counters;
        this.initialCredit = config.initialCredit();
        this.maxFrameLength = config.maxFrameLength();
        this.receiptBufferRecords = config.receiptBufferRecords();
        this.ringReserve = (long)config.ringSize() * (100 - config.ringHighWaterPercent()) / 100;
        // credit stops at half the high-water mark, so clients that honour credit rarely meet a NACK
        this.creditReserve = (long)config.ringSize() * (100 - config.ringHighWaterPercent() / 2) / 100;
    }

    /** True while the ring is above half its high-water mark or a lane is nearly full: credit is withheld. */
    boolean underPressure()
    {
        if (ring.remainingCapacity() < creditReserve)
        {
            return true;
        }
        for (final LaneAdmission a : admissionByChannel)
        {
            if (a != null && a.isAboveHighWater())
            {
                return true;
            }
        }
        return false;
    }

    public void shutdown()
    {
        shuttingDown = true;
    }

    boolean isShuttingDown()
    {
        return shuttingDown;
    }
}
