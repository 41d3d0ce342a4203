package io.dispatch.ingest;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;

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
    /** Per ring slot: the sequence last published from here and the caller's id of its source record. */
    private final long[] sourceSequences;
    private final long[] sourceIds;
    private final int slotMask;

    AcceptedPublisher(final IngestContext context)
    {
        this.ring = context.ring;
        this.admissionByChannel = context.admissionByChannel;
        this.tenants = context.tenants;
        this.reserve = context.ringReserve;
        this.sourceSequences = new long[ring.getBufferSize()];
        this.sourceIds = new long[ring.getBufferSize()];
        this.slotMask = ring.getBufferSize() - 1;
        java.util.Arrays.fill(sourceSequences, -1);
    }

    /** @return the tenant's id on this node, or -1 when this node has no such tenant. */
    public int tenantId(final String name)
    {
        return tenants.idOf(name);
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
     * As {@link #tryPublish(int, byte, byte, long, byte[], int, int)}, remembering {@code sourceId} (cluster mode: the
     * message's cluster id) for the event, so a ring stage can tell it apart ({@link #sourceIdAt}).
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
        e.correlationId = 0;
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
        // written before publish: a stage that sees the event sees these too
        sourceIds[(int)sequence & slotMask] = sourceId;
        sourceSequences[(int)sequence & slotMask] = sequence;
        ring.publish(sequence);
        return sequence;
    }

    /**
     * For a ring stage, about the event it is handling at {@code sequence} (the slot cannot be reused meanwhile).
     *
     * @return the source id given to {@link #tryPublish} for it, or -1 when it was not published from here.
     */
    public long sourceIdAt(final long sequence)
    {
        return sourceSequences[(int)sequence & slotMask] == sequence ? sourceIds[(int)sequence & slotMask] : -1;
    }

    /** @return whether every stage has finished with everything published so far (any thread). */
    public boolean ringIdle()
    {
        return ring.getMinimumGatingSequence() >= ring.getCursor();
    }

    /** @return the ring's last published sequence (any thread). */
    public long cursor()
    {
        return ring.getCursor();
    }

    /** @return the highest ring sequence every stage has finished with: events up to it are journaled. */
    public long handledThrough()
    {
        return ring.getMinimumGatingSequence();
    }
}
