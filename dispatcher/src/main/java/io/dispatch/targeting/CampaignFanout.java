package io.dispatch.targeting;

import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPort;
import io.dispatch.status.LaneAdmission;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Turns audience members into marketing SUBMITs published straight into the dispatch ring, so every policy
 * (dedup, consent, night window, caps, rates) and the journal apply exactly as to a client's message. The
 * body is written in place into the ring slot: no allocation per recipient.
 * <p>
 * The idempotency key {@code c<campaignId>/<ordinal>} makes a resumed fan-out after a restart answer
 * DUPLICATE for everyone already journaled, so nobody gets the campaign twice.
 * <p>
 * Every message holds a slot of the ring's marketing share ({@link MarketingShare}, {@code ring.marketingSlots}) from
 * its claim until the ack stage has passed it, the same share clients' marketing SUBMITs take: however fast the
 * fan-out runs beside a bulk client, marketing never holds more of the ring than that ahead of an OTP. A batch is
 * claimed only as large as the share has room for; with none, the fan-out waits for the targeting thread's next duty
 * cycle (docs/design/class-isolation.md).
 * <p>
 * <b>Note:</b> used by the targeting thread only.
 */
public final class CampaignFanout
{
    /** Result of {@link #publish}: the ring or lane is full, try the same recipient later. */
    static final int BLOCKED = -1;
    /** Result of {@link #publish}: no channel of the order reaches the recipient; skipped. */
    static final int UNREACHABLE = -2;
    /** Result of {@link #publish}: the recipient's phone opted out of the campaign's sender number; skipped. */
    static final int SENDER_OPTED_OUT = -3;


    /** Fills a claimed slot with the campaign's SUBMIT for the recipient the fan-out holds ({@link #ordinal}). */
    static final EventTranslatorThreeArg<DispatchEvent, CampaignFanout, Campaign, TenantDirectory> SUBMIT =
        CampaignFanout::translate;

    private final RingBuffer<DispatchEvent> ring;
    private final LaneAdmission[] admissionByChannel;
    private final TemplateRegistry templates;
    private final RingBatchClaim claim;
    private final MarketingShare marketing;
    private final byte[] scratch = new byte[SubmitDescriptor.MAX_BODY_LENGTH];
    private final UnsafeBuffer scratchBuffer = new UnsafeBuffer(scratch);
    private final SubmitFlyweight encoder = new SubmitFlyweight();

    private long lastSequence = -1;
    /** The claimed batch: [batchStart, batchEnd], next slot to fill; batchStart -1 when none is claimed. */
    private long batchStart = -1;
    private long next;
    private long batchEnd = -1;
    /** The recipient being published and its channel: what {@link #SUBMIT} reads besides its arguments. */
    private int ordinal;
    private int channel;

    /**
     * @param port      the targeting thread's port: it claims only above its reserve ({@code RingPorts#targeting}).
     * @param marketing the ring's marketing share ({@code RingPorts#marketing}), shared with clients' marketing.
     */
    public CampaignFanout(final RingBuffer<DispatchEvent> ring, final LaneAdmission[] admissionByChannel,
        final TemplateRegistry templates, final RingPort port, final MarketingShare marketing)
    {
        this.ring = ring;
        this.marketing = marketing;
        this.admissionByChannel = admissionByChannel;
        this.templates = templates;
        this.claim = new RingBatchClaim(ring, port);
    }

    /** Resolves, per channel of the campaign, which recipient attribute fills each template placeholder. */
    void resolveAttributes(final Campaign c, final TenantDirectory directory)
    {
        for (final byte ch : c.spec.channels)
        {
            final byte[][] names = templates.placeholders(c.spec.templateByChannel[ch]);
            final int[] ids = new int[names.length];
            for (int i = 0; i < names.length; i++)
            {
                ids[i] = c.spec.constant(names[i]) != null ? -1
                    : directory.attributeId(new String(names[i], java.nio.charset.StandardCharsets.UTF_8));
            }
            c.attributeIds[ch] = ids;
        }
    }

    /**
     * Publishes the campaign's message for one audience member.
     *
     * @param upcoming how many recipients the caller means to publish now, this one included: the size of
     *                 the next batch of ring slots to claim.
     * @return the channel used (1..3), or {@link #BLOCKED}, {@link #UNREACHABLE} or {@link #SENDER_OPTED_OUT}.
     */
    int publish(final Campaign c, final TenantDirectory directory, final int ordinal, final int upcoming)
    {
        final CampaignSpec spec = c.spec;
        if (spec.sender.length > 0 && directory.optedOut(ordinal, spec.sender, 0, spec.sender.length))
        {
            return SENDER_OPTED_OUT;
        }
        // the first channel that reaches the recipient with ad consent; else the first that reaches them at
        // all, so the policy stage suppresses it with the reason the campaign stats then show
        int channel = 0;
        int fallback = 0;
        for (final byte ch : spec.channels)
        {
            if (directory.address(ordinal, ch, scratch, 0) > 0)
            {
                final int flags = directory.consentFlags(ordinal, ch);
                if ((flags & ConsentFlags.AD) != 0 && (flags & ConsentFlags.OPTED_OUT) == 0)
                {
                    channel = ch;
                    break;
                }
                if (fallback == 0)
                {
                    fallback = ch;
                }
            }
        }
        if (channel == 0)
        {
            channel = fallback;
        }
        if (channel == 0)
        {
            return UNREACHABLE;
        }
        // admission first: a full lane must not cost a batch of ring slots published as NOOPs every duty cycle
        final LaneAdmission admission = admissionByChannel[channel];
        if (admission == null || !admission.tryAcquire(false))
        {
            return BLOCKED;
        }
        if (next > batchEnd && !claimBatch(upcoming))
        {
            admission.release(false);
            return BLOCKED;
        }
        final long sequence = next++;
        this.ordinal = ordinal;
        this.channel = channel;
        SUBMIT.translateTo(ring.get(sequence), sequence, this, c, directory);
        lastSequence = sequence;
        if (next > batchEnd)
        {
            flush();
        }
        return channel;
    }

    private static void translate(
        final DispatchEvent e, final long sequence, final CampaignFanout f, final Campaign c,
        final TenantDirectory directory)
    {
        e.reset(DispatchEvent.SUBMIT);
        final CampaignSpec spec = c.spec;
        e.marketingSlot = true; // taken with the batch (claimBatch); the ack stage gives it back
        e.tenantId = c.tenantId;
        e.kind = MessageKind.MARKETING.code();
        e.channel = (byte)f.channel;
        e.dryRun = spec.dryRun;
        e.outcome = spec.dryRun ? DispatchEvent.OUTCOME_DRY_RUN : DispatchEvent.OUTCOME_ACCEPTED;
        e.consentOverride = directory.consentFlags(f.ordinal, f.channel);
        e.campaignSlot = c.slot;
        e.campaignId = c.id;
        e.campaignResumed = c.resumed;
        // written aside first: sizing every ring slot for the largest possible body would cost the heap
        final int length = f.writeBody(c, directory, f.ordinal, f.channel, f.scratch);
        System.arraycopy(f.scratch, 0, e.ensureBodyCapacity(length), 0, length);
        e.bodyLength = length;
    }

    /**
     * Claims ring slots for the next recipients, a batch at a time (see {@link RingBatchClaim}), no more than the
     * marketing share has room for: each slot takes one of the share until filled or given back in {@link #flush}.
     */
    private boolean claimBatch(final int upcoming)
    {
        final int shared = marketing.tryTake(Math.min(RingBatchClaim.BATCH, Math.max(1, upcoming)));
        if (shared == 0)
        {
            return false;
        }
        final int claimed = claim.tryClaim(shared);
        marketing.untake(shared - claimed);
        if (claimed == 0)
        {
            return false;
        }
        next = claim.first();
        batchStart = next;
        batchEnd = claim.last();
        return true;
    }

    /**
     * Publishes what the current batch holds; slots claimed but not filled (the audience or the lane ran out)
     * go as {@link DispatchEvent#NOOP}s every stage skips, and give their share slots back. Call before yielding the
     * thread.
     */
    void flush()
    {
        if (batchStart < 0)
        {
            return;
        }
        marketing.untake((int)(batchEnd - next + 1));
        for (long s = next; s <= batchEnd; s++)
        {
            ring.get(s).reset(DispatchEvent.NOOP);
        }
        ring.publish(batchStart, batchEnd);
        batchStart = -1;
        next = 0;
        batchEnd = -1;
    }

    /** The ring sequence of the last message published: once every stage has passed it, it is journaled. */
    long lastSequence()
    {
        return lastSequence;
    }

    long processedSequence()
    {
        return ring.getMinimumGatingSequence();
    }

    /** @return the last ring sequence any publisher claimed: a cancellation's messages are all at or before it. */
    long claimedSequence()
    {
        return ring.getCursor();
    }

    /** Writes the fan-out's SUBMIT body into {@code scratch} through the SUBMIT flyweight; @return its length. */
    private int writeBody(final Campaign c, final TenantDirectory directory, final int ordinal, final int channel,
        final byte[] b)
    {
        final CampaignSpec spec = c.spec;
        final SubmitFlyweight body = encoder.wrapForEncode(scratchBuffer, 0)
            .kindCode(MessageKind.MARKETING.code())
            .channelCode(channel)
            .flags(spec.dryRun ? SubmitDescriptor.FLAG_DRY_RUN : 0)
            .ttlSeconds(spec.ttlSeconds)
            .sendAtEpochMs(0);
        // key "c<campaign>/<ordinal>", the recipient's address and the attribute values are written in place
        final int keyAt = body.str8ValueAt();
        int p = keyAt;
        b[p++] = 'c';
        p = putDecimal(b, p, c.id);
        b[p++] = '/';
        p = putDecimal(b, p, ordinal);
        body.idempotencyKeyWritten(p - keyAt);
        body.recipientWritten(directory.address(ordinal, channel, b, body.str8ValueAt()));
        final byte[] templateId = spec.templateIdByChannel[channel];
        scratchBuffer.putBytes(body.str8ValueAt(), templateId);
        body.templateIdWritten(templateId.length).textWritten(0);
        final byte[][] names = templates.placeholders(spec.templateByChannel[channel]);
        final int[] attributeIds = c.attributeIds[channel];
        body.varCount(names.length);
        for (int i = 0; i < names.length; i++)
        {
            scratchBuffer.putBytes(body.str8ValueAt(), names[i]);
            body.varNameWritten(names[i].length);
            final byte[] constant = attributeIds[i] < 0 ? spec.constant(names[i]) : null;
            int valueLength = 0;
            if (constant != null)
            {
                scratchBuffer.putBytes(body.str16ValueAt(), constant);
                valueLength = constant.length;
            }
            else if (attributeIds[i] >= 0)
            {
                valueLength = Math.max(0, directory.attributeText(ordinal, attributeIds[i], b, body.str16ValueAt()));
            }
            body.varValueWritten(Math.min(valueLength, SubmitDescriptor.MAX_VAR_VALUE_LENGTH));
        }
        return body.encodedLength();
    }

    private static int putDecimal(final byte[] b, final int at, final long value)
    {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            b[at + i] = (byte)('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }
}
