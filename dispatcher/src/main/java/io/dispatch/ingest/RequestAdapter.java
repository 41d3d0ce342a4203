package io.dispatch.ingest;

import com.lmax.disruptor.InsufficientCapacityException;
import io.dispatch.journal.JournalCursor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes and validates one connection's requests and hands each on: into the dispatch ring (SUBMIT, CANCEL,
 * STATUS, CONSENT), to the cluster's {@link SubmitIntake}, to the targeting thread, or to the subscriptions.
 * It writes nothing to the connection: each {@code onXxx} returns an outcome, and for {@link #REFUSED} the
 * {@link #refusal()} code and {@link #detail()} the {@link SessionHandler} answers with. Credit is the handler's:
 * it takes one before a request that costs one gets here.
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only. Allocates nothing on the SUBMIT path unless the
 * request is refused.
 */
final class RequestAdapter
{
    /** In the ring or with the targeting thread: exactly one answer comes back through the drain or the Requester. */
    static final int PUBLISHED = 0;
    /** Valid, but the lanes or the ring have no room: the request waits (docs/design/backpressure.md). */
    static final int NO_ROOM = 1;
    /** Refused: answer NACK {@link #refusal()} with {@link #detail()}. */
    static final int REFUSED = 2;
    /** A SUBMIT for the {@link SubmitIntake}, filled in {@link #intakeEvent()}: the handler hands it over. */
    static final int FOR_INTAKE = 3;
    /** A subscription is in place: answer OK now. */
    static final int SUBSCRIBED = 4;
    /** A subscription is being placed: its OK comes from the stream thread. */
    static final int SUBSCRIBING = 5;

    private final IngestContext context;
    private final SessionHandler session;
    private final SessionProxy proxy;
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final SubmitMarking marking;
    /** Cluster mode: where a SUBMIT is filled for the {@link SubmitIntake}. */
    private DispatchEvent intakeEvent;
    private ErrorCode refusal;
    private String detail;
    /** Once it sent marketing, the connection's credit follows the marketing share of the lanes. */
    private boolean sendsMarketing;
    /** Whether the registry counted a receipt subscription of this connection. */
    private boolean subscribed;

    RequestAdapter(final IngestContext context, final SessionHandler session, final SessionProxy proxy)
    {
        this.context = context;
        this.session = session;
        this.proxy = proxy;
        this.marking = new SubmitMarking(context);
    }

    ErrorCode refusal()
    {
        return refusal;
    }

    String detail()
    {
        return detail;
    }

    boolean sendsMarketing()
    {
        return sendsMarketing;
    }

    boolean subscribed()
    {
        return subscribed;
    }

    DispatchEvent intakeEvent()
    {
        return intakeEvent;
    }

    /** @param readNanos when the socket read that brought it was decoded, for the frame-read → ACK histogram. */
    int onSubmit(final long correlationId, final ByteBuf frame, final int offset, final int length, final long readNanos)
    {
        final ErrorCode invalid = submit.wrap(frame, offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, submit.invalidField());
        }
        final int tenantId = proxy.tenantId();
        int template = -1;
        if (submit.templateLength() > 0)
        {
            template = context.templates.find(frame, submit.templateOffset(), submit.templateLength());
            if (template < 0)
            {
                return refuse(ErrorCode.UNKNOWN_TEMPLATE,
                    frame.toString(submit.templateOffset(), submit.templateLength(), StandardCharsets.UTF_8));
            }
            final String missing = context.templates.missingVariable(template, submit);
            if (missing != null)
            {
                return refuse(ErrorCode.INVALID_FIELD, "var " + missing + " (used by the template)");
            }
        }
        final long sendAt = submit.sendAtEpochMs();
        if (sendAt > 0 && sendAt > context.clock.time() + context.maxScheduleAheadMs)
        {
            return refuse(ErrorCode.INVALID_FIELD, "sendAtEpochMs: more than "
                + context.maxScheduleAheadMs / 86_400_000L + " days ahead (schedule.maxAheadDays)");
        }
        final String badDeadline = submit.varCount() == 0 ? null : fallbackDeadlineProblem();
        if (badDeadline != null)
        {
            return refuse(ErrorCode.INVALID_FIELD, badDeadline);
        }
        int markedTextLength = -1;
        if (submit.kindCode() == MessageKind.MARKETING.code())
        {
            markedTextLength = marking.check(frame, submit, template, tenantId);
            if (markedTextLength == SubmitMarking.REFUSED)
            {
                return refuse(ErrorCode.INVALID_FIELD, marking.problem());
            }
        }
        if (context.isShuttingDown())
        {
            return refuse(ErrorCode.SHUTTING_DOWN, "engine is stopping");
        }
        if (context.isStorageFull())
        {
            context.counters.increment(Counter.STORAGE_FULL_NACKS);
            return refuse(ErrorCode.STORAGE_FULL, "journal disk below journal.minFreeBytes; retry later");
        }
        final boolean isPriority = submit.kindCode() != MessageKind.MARKETING.code();
        sendsMarketing |= !isPriority;
        // cluster mode: the owner of the recipient's partition takes lane admission when it reads the message
        final SubmitIntake intake = submit.isDryRun() ? null : context.intake;
        final LaneAdmission admission = context.admissionByChannel[submit.channelCode()];
        if (intake == null && !admission.tryAcquire(isPriority))
        {
            return NO_ROOM;
        }
        final long sequence = intake == null ? claimRingSlot() : Long.MAX_VALUE;
        if (sequence < 0)
        {
            admission.release(isPriority);
            return NO_ROOM;
        }
        final DispatchEvent e = intake == null ? context.ring.get(sequence) : intakeSlot();
        e.type = DispatchEvent.SUBMIT;
        e.session = proxy;
        e.sessionRef = proxy.ref();
        e.correlationId = correlationId;
        e.readNanos = readNanos;
        e.tenantId = tenantId;
        e.kind = (byte)submit.kindCode();
        e.channel = (byte)submit.channelCode();
        e.dryRun = submit.isDryRun();
        e.outcome = e.dryRun ? DispatchEvent.OUTCOME_DRY_RUN : DispatchEvent.OUTCOME_ACCEPTED;
        e.sendAtMs = sendAt;
        e.keyHash = 0;
        e.decision = 0;
        e.reason = 0;
        e.dueAtMs = 0;
        e.prepaid = false;
        e.consentOverride = -1;
        e.campaignSlot = 0;
        e.campaignId = 0;
        e.campaignResumed = false;
        if (markedTextLength < 0)
        {
            e.bodyLength = length;
            frame.getBytes(offset, e.ensureBodyCapacity(length), 0, length);
        }
        else
        {
            marking.copyMarked(e, frame, submit, offset, length, markedTextLength, tenantId);
        }
        if (intake != null)
        {
            return FOR_INTAKE;
        }
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    private DispatchEvent intakeSlot()
    {
        if (intakeEvent == null)
        {
            intakeEvent = new DispatchEvent();
        }
        return intakeEvent;
    }

    /** @return what is wrong with the submit's {@link FallbackDeadline} and how to fix it, or null. */
    private String fallbackDeadlineProblem()
    {
        final long named = FallbackDeadline.of(submit);
        if (named == FallbackDeadline.ABSENT)
        {
            return null;
        }
        final long max = context.maxFallbackDeadlineMs[submit.channelCode()];
        if (max == 0)
        {
            return "var " + FallbackDeadline.VARIABLE + ": the " + ChannelType.of(submit.channelCode()).name()
                .toLowerCase(Locale.ROOT) + " lane has no receipt deadline to override (lane.<channel>.fallback "
                + "and lane.<channel>.fallbackUndeliveredMs)";
        }
        if (named < FallbackDeadline.MIN_MS || named > max)
        {
            return "var " + FallbackDeadline.VARIABLE + ": milliseconds from " + FallbackDeadline.MIN_MS + " to " + max
                + " (below the lane's receiptTimeoutMs)";
        }
        return null;
    }

    /**
     * SUBMIT_BATCH framing: u16 count, u16 reserved, then count items of u16 length + SUBMIT body, nothing after.
     *
     * @return the item count, or -1 with {@link #detail()} saying what is broken.
     */
    int batchCount(final ByteBuf frame, final int offset, final int length)
    {
        if (length < SubmitDescriptor.BATCH_HEADER_LENGTH)
        {
            detail = "SUBMIT_BATCH body shorter than 4 bytes";
            return -1;
        }
        final int count = frame.getUnsignedShortLE(offset);
        if (count == 0 || count > SubmitDescriptor.MAX_BATCH_COUNT)
        {
            detail = "SUBMIT_BATCH count " + count + " outside 1..1024";
            return -1;
        }
        return count;
    }

    /** @return null when the batch's {@code count} items fill the body exactly, else what is wrong. */
    static String batchItemsProblem(final ByteBuf frame, final int offset, final int length, final int count)
    {
        final int end = offset + length;
        int p = offset + SubmitDescriptor.BATCH_HEADER_LENGTH;
        int framed = 0;
        while (framed < count && p + 2 <= end && p + 2 + frame.getUnsignedShortLE(p) <= end)
        {
            p += 2 + frame.getUnsignedShortLE(p);
            framed++;
        }
        if (framed < count)
        {
            return "SUBMIT_BATCH item " + framed + " runs past the frame; no item of the batch processed";
        }
        return p != end ? "SUBMIT_BATCH has bytes after its last item; no item of the batch processed" : null;
    }

    /** CANCEL: u8 0 + u64 messageId, or u8 1 + u8 key length + key. */
    int onCancel(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final int by = length >= 1 ? frame.getUnsignedByte(offset) : -1;
        final int keyLength = length >= 2 ? frame.getUnsignedByte(offset + 1) : 0;
        if (!(by == Frames.CANCEL_BY_ID && length == 9) &&
            !(by == Frames.CANCEL_BY_KEY && keyLength > 0 && length == 2 + keyLength))
        {
            return refuse(ErrorCode.MALFORMED_FRAME, "CANCEL body: u8 0 + u64 messageId, or u8 1 + u8 key length + key");
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.CANCEL);
        if (sequence < 0)
        {
            return NO_ROOM;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.newState = 0;
        if (by == Frames.CANCEL_BY_ID)
        {
            e.messageId = frame.getLongLE(offset + 1);
            e.bodyLength = 0;
        }
        else
        {
            e.messageId = -1;
            e.bodyLength = keyLength;
            frame.getBytes(offset + 2, e.ensureBodyCapacity(keyLength), 0, keyLength);
        }
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    /** STATUS: u64 messageId. */
    int onStatus(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (length != 8)
        {
            return refuse(ErrorCode.MALFORMED_FRAME, "STATUS body must be 8 bytes");
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.STATUS_QUERY);
        if (sequence < 0)
        {
            return NO_ROOM;
        }
        context.ring.get(sequence).messageId = frame.getLongLE(offset);
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    int onConsent(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final String invalid = ConsentFrame.validate(frame, offset, length);
        if (invalid != null)
        {
            return refuse(ErrorCode.INVALID_FIELD, invalid);
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.CONSENT);
        if (sequence < 0)
        {
            return NO_ROOM;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.bodyLength = length;
        frame.getBytes(offset, e.ensureBodyCapacity(length), 0, length);
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    /** A directory or campaign frame: copied off the connection and handed to the targeting thread. */
    int onTargeting(final int requestType, final long correlationId, final ByteBuf frame, final int offset,
        final int length)
    {
        final String broken = TargetingFrames.check(requestType, frame, offset, length);
        if (broken != null)
        {
            return refuse(ErrorCode.MALFORMED_FRAME, broken);
        }
        if (context.isShuttingDown())
        {
            return refuse(ErrorCode.SHUTTING_DOWN, "engine is stopping");
        }
        // new recipients and new campaigns grow the journals; control and stats of running campaigns still work
        if ((requestType == TargetingRequest.DIRECTORY_UPDATE || requestType == TargetingRequest.CAMPAIGN)
            && context.isStorageFull())
        {
            context.counters.increment(Counter.STORAGE_FULL_NACKS);
            return refuse(ErrorCode.STORAGE_FULL, "journal disk below journal.minFreeBytes; retry later");
        }
        final byte[] body = new byte[length];
        frame.getBytes(offset, body);
        if (!context.targeting.offer(new TargetingRequest(requestType, proxy.tenantId(), session, correlationId, body)))
        {
            return refuse(ErrorCode.BACKPRESSURE, "directory busy: retry");
        }
        return PUBLISHED;
    }

    /**
     * SUBSCRIBE: u8 scope, u8 reserved, u16 state mask (0 or absent: every state), then optionally u64 resumeAfter
     * (scope 1 only: served by the stream thread from the journal).
     */
    int onSubscribe(final ByteBuf frame, final int offset, final int length)
    {
        final int scope = length >= 1 ? frame.getUnsignedByte(offset) : -1;
        if (scope != AnswerSink.SCOPE_CONNECTION && scope != AnswerSink.SCOPE_TENANT)
        {
            return refuse(ErrorCode.INVALID_FIELD, "scope must be 0 (connection) or 1 (tenant)");
        }
        final boolean resume = length >= 12;
        if (resume && scope != AnswerSink.SCOPE_TENANT)
        {
            return refuse(ErrorCode.INVALID_FIELD, "resumeAfter: only a scope 1 (tenant) subscription resumes");
        }
        final long resumeAfter = resume ? frame.getLongLE(offset + 4) : 0;
        if (resume && resumeAfter < 0)
        {
            return refuse(ErrorCode.INVALID_FIELD, "resumeAfter: a RECEIPT's position, or 0 for the start");
        }
        // one producer per receipt queue: the ring's status stage for live receipts, the stream thread for resumed ones
        if (proxy.hasReceipts() && (resume || proxy.subscriptionScope() == AnswerSink.SCOPE_JOURNAL))
        {
            return refuse(ErrorCode.INVALID_FIELD, "this connection already subscribed receipts; " +
                "a resumed subscription needs a connection of its own");
        }
        if (!proxy.hasReceipts())
        {
            final int full = context.sessions.subscribe(session);
            if (full < 0)
            {
                return refuse(ErrorCode.BACKPRESSURE, full == SessionRegistry.TENANT_FULL
                    ? "tenant " + session.tenant().name() + " has " +
                    context.sessions.limits().maxSubscriptionsPerTenant() +
                    " receipt subscriptions (ingest.maxSubscriptionsPerTenant); retry later"
                    : "the engine has " + context.sessions.limits().maxSubscriptions() +
                    " receipt subscriptions (ingest.maxSubscriptions); retry later");
            }
            subscribed = true;
            proxy.openReceipts(context.receiptBufferRecords);
        }
        final int mask = length >= 4 ? frame.getUnsignedShortLE(offset + 2) : 0;
        if (resume)
        {
            // served by the stream thread from the journal: the status stage's live fan-out skips this scope
            proxy.subscribe(AnswerSink.SCOPE_JOURNAL, mask);
            context.streams.receipts(proxy, context.tenants.nameBytes(proxy.tenantId()), resumeAfter);
        }
        else
        {
            proxy.subscribe((byte)scope, mask);
            context.sessions.refreshSubscribers();
        }
        return SUBSCRIBED;
    }

    /**
     * SUBSCRIBE_INBOUND: empty (from now) or u64 resumeAfter.
     *
     * @param onOpen answers OK once the stream thread placed the cursor, so an event journaled after the OK is
     *               never "before now".
     */
    int onSubscribeInbound(final ByteBuf frame, final int offset, final int length, final Runnable onOpen)
    {
        if (length != 0 && length != 8)
        {
            return refuse(ErrorCode.INVALID_FIELD, "SUBSCRIBE_INBOUND body: empty (from now) or u64 resumeAfter");
        }
        final long resumeAfter = length == 8 ? frame.getLongLE(offset) : JournalCursor.FROM_NOW;
        if (length == 8 && resumeAfter < 0)
        {
            return refuse(ErrorCode.INVALID_FIELD, "resumeAfter: an INBOUND position, or 0 for the start");
        }
        if (proxy.hasInbound())
        {
            return refuse(ErrorCode.INVALID_FIELD, "this connection already subscribed inbound events");
        }
        proxy.openInbound();
        context.streams.inbound(proxy, context.tenants.nameBytes(proxy.tenantId()), resumeAfter, onOpen);
        return SUBSCRIBING;
    }

    private int refuse(final ErrorCode code, final String detail)
    {
        this.refusal = code;
        this.detail = detail;
        return REFUSED;
    }

    /**
     * Claims a ring slot for a request answered by the ring and fills the fields every request has.
     *
     * @return the sequence to publish, or -1 when the ring has no room.
     */
    private long claimRequest(final long correlationId, final int type)
    {
        final long sequence = claimRingSlot();
        if (sequence < 0)
        {
            return -1;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.type = type;
        e.session = proxy;
        e.sessionRef = proxy.ref();
        e.correlationId = correlationId;
        e.tenantId = proxy.tenantId();
        return sequence;
    }

    private long claimRingSlot()
    {
        if (context.ring.remainingCapacity() < context.ringReserve)
        {
            return -1;
        }
        try
        {
            return context.ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }
}
