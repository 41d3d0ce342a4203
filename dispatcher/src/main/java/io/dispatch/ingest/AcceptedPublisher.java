package io.dispatch.ingest;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.LaneAdmission;

/**
 * Publishes SUBMITs that were accepted elsewhere (cluster mode: read from the cluster's log by the node owning
 * their partition) into the local ring, where they run the single-node pipeline: dedup, policy, caps, per-recipient
 * order, journal, lanes. Nobody is answered: the client had its ACK from the node it wrote to.
 * <p>
 * Like the targeting thread, it takes lane admission and leaves the ring's client reserve alone, so it waits for
 * room rather than overfill a lane. {@link #handledThrough()} tells the caller which of its events every stage has
 * finished with (journaled, handed to a lane), so it can checkpoint its source only behind the local journal.
 * <p>
 * <b>Note:</b> one thread.
 */
public final class AcceptedPublisher
{
    private final RingBuffer<DispatchEvent> ring;
    private final LaneAdmission[] admissionByChannel;
    private final TenantRegistry tenants;
    private final long reserve;

    AcceptedPublisher(final IngestContext context)
    {
        this.ring = context.ring;
        this.admissionByChannel = context.admissionByChannel;
        this.tenants = context.tenants;
        this.reserve = context.ringReserve;
    }

    /** @return the tenant's id on this node, or -1 when this node has no such tenant. */
    public int tenantId(final String name)
    {
        return tenants.idOf(name);
    }

    /** @return the tenant's name as bytes (cached), for the id this node numbers it with. */
    public byte[] tenantName(final int tenantId)
    {
        return tenants.nameBytes(tenantId);
    }

    /** @return whether this node has a lane for the channel code. */
    public boolean hasLane(final int channel)
    {
        return channel >= 0 && channel < admissionByChannel.length && admissionByChannel[channel] != null;
    }

    /**
     * @param body a SUBMIT body as the ingest session left it (marketing already marked).
     * @return the ring sequence it was published at, or -1 when the lane or the ring has no room now (retry later).
     */
    public long tryPublish(final int tenantId, final byte kind, final byte channel, final long sendAtMs,
        final byte[] body, final int offset, final int length)
    {
        return tryPublish(tenantId, kind, channel, sendAtMs, body, offset, length, 0);
    }

    /**
     * @param sourceId the id the message was accepted under elsewhere (cluster mode: its cluster id), handed to the
     *                 status stage's {@link io.dispatch.stage.StateTap}; 0 for none.
     * @return the ring sequence it was published at, or -1 when the lane or the ring has no room now (retry later).
     */
    public long tryPublish(final int tenantId, final byte kind, final byte channel, final long sendAtMs,
        final byte[] body, final int offset, final int length, final long sourceId)
    {
        final boolean isPriority = kind != MessageKind.MARKETING.code();
        final LaneAdmission admission = admissionByChannel[channel];
        if (!admission.tryAcquire(isPriority))
        {
            return -1;
        }
        final long sequence;
        try
        {
            if (ring.remainingCapacity() <= reserve)
            {
                admission.release(isPriority);
                return -1;
            }
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            admission.release(isPriority);
            return -1;
        }
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.SUBMIT;
        e.session = null;
        e.sessionRef = 0;
        // no session to answer: the correlation id carries the source id to the status stage
        e.correlationId = sourceId;
        e.readNanos = 0;
        e.tenantId = tenantId;
        e.kind = kind;
        e.channel = channel;
        e.dryRun = false;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.sendAtMs = sendAtMs;
        e.keyHash = 0;
        e.decision = 0;
        e.reason = 0;
        e.dueAtMs = 0;
        e.prepaid = false;
        e.consentOverride = -1;
        e.campaignSlot = 0;
        e.campaignId = 0;
        e.campaignResumed = false;
        e.bodyLength = length;
        System.arraycopy(body, offset, e.ensureBodyCapacity(length), 0, length);
        ring.publish(sequence);
        return sequence;
    }

    /**
     * A CANCEL another node forwarded for a message of this node (by its local id); no session: the outcome goes to
     * the status stage's {@link io.dispatch.stage.StateTap#cancelled} under {@code request}, which must not be 0.
     *
     * @return the ring sequence it was published at, or -1 when the ring has no room now (retry later).
     */
    public long tryPublishCancel(final int tenantId, final long messageId, final long request)
    {
        final long sequence;
        try
        {
            if (ring.remainingCapacity() <= reserve)
            {
                return -1;
            }
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.CANCEL;
        e.session = null;
        e.sessionRef = 0;
        e.correlationId = request;
        e.tenantId = tenantId;
        e.messageId = messageId;
        e.newState = 0;
        e.bodyLength = 0;
        ring.publish(sequence);
        return sequence;
    }

    /**
     * Publishes an event every stage skips, so the stages look at what changed outside the ring without waiting for
     * traffic (cluster mode: the policy stage's rate share after an assignment). Any thread: it claims no admission.
     *
     * @return false when the ring has no room now.
     */
    public boolean nudge()
    {
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        ring.get(sequence).type = DispatchEvent.NOOP;
        ring.publish(sequence);
        return true;
    }

    /** @return whether every stage has finished with everything published so far (any thread). */
    public boolean ringIdle()
    {
        return ring.getMinimumGatingSequence() >= ring.getCursor();
    }

    /** @return the highest ring sequence every stage has finished with: events up to it are journaled. */
    public long handledThrough()
    {
        return ring.getMinimumGatingSequence();
    }
}
