package io.dispatch.ingest;

import com.lmax.disruptor.EventTranslator;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.LaneAdmission;

/**
 * Publishes SUBMITs that were accepted elsewhere (cluster mode: read from the cluster's log by the node owning
 * their partition) into the local ring, where they run the single-node pipeline: dedup, policy, caps, per-recipient
 * order, journal, lanes. Nobody is answered: the client had its ACK from the node it wrote to.
 * <p>
 * Like the targeting thread, it takes lane admission and claims only while its port has room
 * ({@code RingPorts#cluster}, the ingest high-water mark), so it waits for
 * room rather than overfill a lane. {@link #handledThrough()} tells the caller which of its events every stage has
 * finished with (journaled, handed to a lane), so it can checkpoint its source only behind the local journal.
 * <p>
 * <b>Note:</b> one thread.
 */
public final class AcceptedPublisher
{
    /** Fills a slot with the SUBMIT being published (the {@code submit*} fields): nobody to answer. */
    static final EventTranslatorOneArg<DispatchEvent, AcceptedPublisher> SUBMIT = AcceptedPublisher::translate;
    /** Fills a slot with the CANCEL being published (the {@code cancel*} fields), forwarded from another node. */
    static final EventTranslatorOneArg<DispatchEvent, AcceptedPublisher> CANCEL = AcceptedPublisher::translateCancel;
    /** An empty slot every stage skips: it only wakes the ring. */
    static final EventTranslator<DispatchEvent> NOOP = (e, sequence) -> e.reset(DispatchEvent.NOOP);

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final LaneAdmission[] admissionByChannel;
    private final TenantRegistry tenants;
    private long submitSourceId;
    private int cancelTenantId;
    private long cancelMessageId;
    private long cancelRequest;
    private int submitTenantId;
    private byte submitKind;
    private byte submitChannel;
    private long submitSendAtMs;
    private byte[] submitBody;
    private int submitOffset;
    private int submitLength;
    /** Per ring slot: the sequence last published from here and the caller's id of its source record. */
    private final long[] sourceSequences;
    private final long[] sourceIds;
    private final int slotMask;

    AcceptedPublisher(final IngestContext context)
    {
        this.ring = context.ring;
        this.port = context.ports.cluster();
        this.admissionByChannel = context.admissionByChannel;
        this.tenants = context.tenants;
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
     *                 status stage's {@link io.dispatch.stage.StateTap} and kept for {@link #sourceIdAt}; 0 for none.
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
        submitSourceId = sourceId;
        submitTenantId = tenantId;
        submitKind = kind;
        submitChannel = channel;
        submitSendAtMs = sendAtMs;
        submitBody = body;
        submitOffset = offset;
        submitLength = length;
        final long sequence = port.tryPublish(ring, SUBMIT, this);
        submitBody = null;
        if (sequence == RingPort.NO_ROOM)
        {
            admission.release(isPriority);
        }
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
        cancelTenantId = tenantId;
        cancelMessageId = messageId;
        cancelRequest = request;
        return port.tryPublish(ring, CANCEL, this);
    }

    /**
     * Publishes an event every stage skips, so the stages look at what changed outside the ring without waiting for
     * traffic (cluster mode: the policy stage's rate share after an assignment). Any thread: it claims no admission.
     *
     * @return false when the ring has no room now.
     */
    public boolean nudge()
    {
        return ring.tryPublishEvent(NOOP);
    }

    private static void translate(final DispatchEvent e, final long sequence, final AcceptedPublisher p)
    {
        e.reset(DispatchEvent.SUBMIT);
        // no session to answer: the correlation id carries the source id to the status stage
        e.correlationId = p.submitSourceId;
        e.tenantId = p.submitTenantId;
        e.kind = p.submitKind;
        e.channel = p.submitChannel;
        e.sendAtMs = p.submitSendAtMs;
        System.arraycopy(p.submitBody, p.submitOffset, e.ensureBodyCapacity(p.submitLength), 0, p.submitLength);
        e.bodyLength = p.submitLength;
        // written before publish: a stage that sees the event sees these too
        p.sourceIds[(int)sequence & p.slotMask] = p.submitSourceId;
        p.sourceSequences[(int)sequence & p.slotMask] = sequence;
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

    private static void translateCancel(final DispatchEvent e, final long sequence, final AcceptedPublisher p)
    {
        e.reset(DispatchEvent.CANCEL);
        e.correlationId = p.cancelRequest;
        e.tenantId = p.cancelTenantId;
        e.messageId = p.cancelMessageId;
    }
}
