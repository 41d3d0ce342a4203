package io.dispatch.ingest;

import com.lmax.disruptor.InsufficientCapacityException;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.CancelFlyweight;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.StatusFlyweight;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.status.LaneAdmission;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes and validates one connection's requests and hands each on: into the dispatch ring (SUBMIT, CANCEL,
 * STATUS, CONSENT), to the cluster's {@link SubmitIntake}, or to the targeting thread. (SUBSCRIBE and
 * SUBSCRIBE_INBOUND go to {@link SubscriptionRequests}; {@link FrameDispatch} checks SUBMIT_BATCH's framing.)
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
    /** A subscription is in place: answer OK now ({@link SubscriptionRequests}). */
    static final int SUBSCRIBED = 4;
    /** A subscription is being placed: its OK comes from the stream thread ({@link SubscriptionRequests}). */
    static final int SUBSCRIBING = 5;
    /** Cluster mode: a STATUS or CANCEL the {@link RequestRouter} took; it answers later on the event loop. */
    static final int ROUTED = 6;

    private final IngestContext context;
    private final SessionHandler session;
    private final SessionProxy proxy;
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final CancelFlyweight cancel = new CancelFlyweight();
    private final StatusFlyweight status = new StatusFlyweight();
    /** The protocol's flyweights read Agrona buffers: this views the frame's ByteBuf, without copying. */
    private final ByteBufView frameView = new ByteBufView();
    private final SubmitMarking marking;
    /** Cluster mode: where a SUBMIT is filled for the {@link SubmitIntake}. */
    private DispatchEvent intakeEvent;
    private ErrorCode refusal;
    private String detail;
    /** Once it sent marketing, the connection's credit follows the marketing share of the lanes. */
    private boolean sendsMarketing;
    private boolean waitsForMarketingShare;

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

    /** @return whether the last NO_ROOM was marketing's ring share being taken; clears it. */
    boolean takeWaitsForMarketingShare()
    {
        final boolean waits = waitsForMarketingShare;
        waitsForMarketingShare = false;
        return waits;
    }

    boolean sendsMarketing()
    {
        return sendsMarketing;
    }

    DispatchEvent intakeEvent()
    {
        return intakeEvent;
    }

    /** @param readNanos when the socket read that brought it was decoded, for the frame-read → ACK histogram. */
    int onSubmit(final long correlationId, final ByteBuf frame, final int offset, final int length, final long readNanos)
    {
        final ErrorCode invalid = submit.wrap(frameView.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, submit.invalidField());
        }
        final int tenantId = proxy.tenantId();
        int template = -1;
        if (submit.templateLength() > 0)
        {
            template = context.templates.find(submit.buffer(), submit.templateOffset(), submit.templateLength());
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
        // the ring is one FIFO: what marketing holds in it is queued ahead of the next OTP, so it holds a bounded share
        final boolean marketingSlot = intake == null && !isPriority;
        if (marketingSlot && !context.ports.marketing().tryTake())
        {
            admission.release(isPriority);
            waitsForMarketingShare = true;
            return NO_ROOM;
        }
        final long sequence = intake == null ? claimRingSlot() : Long.MAX_VALUE;
        if (sequence < 0)
        {
            if (marketingSlot)
            {
                context.ports.marketing().untake();
            }
            admission.release(isPriority);
            return NO_ROOM;
        }
        final DispatchEvent e = intake == null ? context.ring.get(sequence) : intakeSlot();
        e.reset(DispatchEvent.SUBMIT); // nothing of the slot's previous event survives
        e.session = proxy;
        e.sessionRef = proxy.ref();
        e.correlationId = correlationId;
        e.readNanos = readNanos;
        e.marketingSlot = marketingSlot;
        e.tenantId = tenantId;
        e.kind = (byte)submit.kindCode();
        e.channel = (byte)submit.channelCode();
        e.dryRun = submit.isDryRun();
        e.outcome = e.dryRun ? DispatchEvent.OUTCOME_DRY_RUN : DispatchEvent.OUTCOME_ACCEPTED;
        e.sendAtMs = sendAt;
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

    /** CANCEL ({@link CancelFlyweight}): by message id or by idempotency key. */
    int onCancel(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final ErrorCode invalid = cancel.wrap(frameView.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, cancel.problem());
        }
        if (context.router != null)
        {
            if (cancel.isByKey())
            {
                return refuse(ErrorCode.INVALID_FIELD, "CANCEL by key is not available in cluster mode (a key is not" +
                    " tied to one node): cancel by the message id the ACK gave");
            }
            if (context.router.cancel(session, correlationId, cancel.messageId()))
            {
                return ROUTED;
            }
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.CANCEL);
        if (sequence < 0)
        {
            return NO_ROOM;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.newState = 0;
        if (!cancel.isByKey())
        {
            e.messageId = cancel.messageId();
            e.bodyLength = 0;
        }
        else
        {
            e.messageId = -1;
            e.bodyLength = cancel.keyLength();
            frame.getBytes(cancel.keyOffset(), e.ensureBodyCapacity(e.bodyLength), 0, e.bodyLength);
        }
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    /** STATUS ({@link StatusFlyweight}): a message id. */
    int onStatus(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final ErrorCode invalid = status.wrap(frameView.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, status.problem());
        }
        if (context.router != null && context.router.status(session, correlationId, status.messageId()))
        {
            return ROUTED;
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.STATUS_QUERY);
        if (sequence < 0)
        {
            return NO_ROOM;
        }
        context.ring.get(sequence).messageId = status.messageId();
        context.ring.publish(sequence);
        return PUBLISHED;
    }

    int onConsent(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final String invalid = ConsentFrame.validate(frameView.wrap(frame), offset, length);
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
        final TargetingRequest request = new TargetingRequest(requestType, proxy.tenantId(), session, correlationId, body);
        if (context.clusterTargeting != null ? !context.clusterTargeting.offer(request) : !context.targeting.offer(request))
        {
            return refuse(ErrorCode.BACKPRESSURE, "directory busy: retry");
        }
        return PUBLISHED;
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
        e.reset(type);
        e.session = proxy;
        e.sessionRef = proxy.ref();
        e.correlationId = correlationId;
        e.tenantId = proxy.tenantId();
        return sequence;
    }

    private long claimRingSlot()
    {
        if (!context.ports.ingest().hasRoom(context.ring))
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
