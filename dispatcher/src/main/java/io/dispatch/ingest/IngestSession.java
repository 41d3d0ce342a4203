package io.dispatch.ingest;

import com.lmax.disruptor.InsufficientCapacityException;
import io.dispatch.config.TenantConfig;
import io.dispatch.inbound.InboundBody;
import io.dispatch.journal.JournalCursor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.targeting.Requester;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection: authenticates, checks credit, validates and publishes requests into the ring,
 * and writes answers back. Never {@code @Sharable}.
 * <p>
 * Threading: request handling runs on the connection's event loop. Answers (ACK, STATUS_RESULT) and
 * receipts are produced by the post-journal ring thread through the {@code offer*} methods into
 * single-producer queues, and drained by the event loop in {@link #drain()}, scheduled at most once at a
 * time. So no ring thread ever blocks on, or writes to, a socket.
 */
public final class IngestSession extends ChannelInboundHandlerAdapter implements Requester
{
    private static final Logger LOG = LoggerFactory.getLogger(IngestSession.class);
    private static final long CREDIT_TICK_MS = 5;
    private static final long GOODBYE_LINGER_MS = 2_000;
    private static final int MAX_ANSWER_FRAME = Frames.STATUS_RESULT_FRAME_LENGTH + 64;
    /** Not a wire scope: receipts resumed from a position, served by the stream thread from the journal. */
    public static final byte SCOPE_JOURNAL = 2;
    /** INBOUND frames of the largest size the buffer holds at most; smaller ones fit many more. */
    private static final int INBOUND_BUFFER_FRAMES = 8;

    private final IngestContext context;
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final SubmitMarking marking;
    private final Runnable drainTask = this::drain;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger droppedReceipts = new AtomicInteger();

    // event-loop state
    private ChannelHandlerContext ctx;
    private TenantConfig tenant;
    private int credit;
    private int owedCredit;
    private int outstanding;
    /** System.nanoTime() of the socket read being decoded, 0 between reads (event loop only). */
    private long readNanos;
    private boolean goodbyeReceived;
    private boolean goodbyeSent;
    /** Once it sent marketing, the connection's credit follows the marketing share of the lanes. */
    private boolean sendsMarketing;
    /** The engine is draining: GOODBYE with this reason (an error code) once every answer owed is written. */
    private int leavingReason = -1;
    private long leavingRetryAfterMs;
    private boolean closed;
    /** A HELLO's key is being checked (maybe hashed off the event loop); reading is paused meanwhile. */
    private boolean authenticating;
    private boolean subscribed;
    private ScheduledFuture<?> creditTick;
    /** Requests within credit that found no room wait here instead of meeting BACKPRESSURE; reading stops. */
    private final ParkedRequests parked = new ParkedRequests();
    /** Set by a request that found no room: the frame being processed joins {@link #parked}. */
    private boolean parkCurrent;
    /** With {@link #parkCurrent} on a SUBMIT_BATCH: the item that found no room. */
    private int parkedBatchItem;
    /** A parked frame is being processed again: it was counted when it was read. */
    private boolean replaying;

    // shared with ring threads
    private volatile int ref;
    private volatile int tenantId;
    private volatile byte subscriptionScope = -1;
    private volatile int receiptStateMask = Frames.ALL_STATES;
    private volatile OutboundQueue answers;
    private volatile OutboundQueue receipts;
    /** INBOUND frames, written by the stream thread only. */
    private volatile OutboundQueue inbound;
    /** False once the connection closed: the stream thread drops its subscriptions. */
    private volatile boolean open = true;

    /** Cluster mode: where a SUBMIT is filled for the {@link SubmitIntake}; event loop only. */
    private DispatchEvent intakeEvent;

    /** Post-journal thread only: set while this session is in the batch's flush list. */
    private boolean touched;

    public IngestSession(final IngestContext context)
    {
        this.context = context;
        this.marking = new SubmitMarking(context);
    }

    int ref()
    {
        return ref;
    }

    void assignRef(final int ref)
    {
        this.ref = ref;
    }

    public int tenantId()
    {
        return tenantId;
    }

    /** @return {@link Frames#SCOPE_CONNECTION}, {@link Frames#SCOPE_TENANT}, or -1 when not subscribed. */
    public byte subscriptionScope()
    {
        return subscriptionScope;
    }

    /** Post-journal thread only. @return true if the session was not yet in this batch's flush list. */
    public boolean markTouched()
    {
        if (touched)
        {
            return false;
        }
        touched = true;
        return true;
    }

    /** Post-journal thread only: the batch ended; writes are handed to the event loop. */
    public void flushTouched()
    {
        touched = false;
        scheduleDrain();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        context.counters.increment(Counter.CONNECTIONS_OPENED);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        if (readNanos == 0)
        {
            readNanos = System.nanoTime(); // once per socket read: every frame of it arrived then
        }
        if (leavingReason < 0 || !goodbyeSent)
        {
            if (!parked.isEmpty())
            {
                parked.add(frame); // behind the request that waits for room: requests keep their order
                return;
            }
            onFrame(frame);
            if (parkCurrent)
            {
                park(frame);
                return;
            }
        }
        // else: read only so that closing sends no RST, which could destroy the GOODBYE in flight
        frame.release();
    }

    /** The frame just processed found no room: it waits, and nothing more is read until it got in. */
    private void park(final ByteBuf frame)
    {
        parkCurrent = false;
        parked.add(frame);
        parked.batchResumeAt(parkedBatchItem);
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * The periodic tick, and a drain's GOODBYE: processes the waiting frames again, in order, until one still finds
     * no room; reading resumes once none waits.
     */
    private void replayParked()
    {
        while (!parked.isEmpty() && !closed)
        {
            replaying = true;
            try
            {
                onFrame(parked.head());
            }
            finally
            {
                replaying = false;
            }
            if (parkCurrent)
            {
                parkCurrent = false;
                parked.batchResumeAt(parkedBatchItem);
                break;
            }
            parked.removeHead();
        }
        if (parked.isEmpty() && !closed && !authenticating && !goodbyeReceived && leavingReason < 0)
        {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        readNanos = 0;
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            scheduleDrain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closed = true;
        open = false;
        if (creditTick != null)
        {
            creditTick.cancel(false);
        }
        parked.releaseAll();
        context.sessions.unregister(this, subscribed);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        context.counters.increment(Counter.PROTOCOL_ERRORS);
        if (cause instanceof TooLongFrameException)
        {
            fatal(0, ErrorCode.FRAME_TOO_LARGE, "frame longer than " + context.maxFrameLength + " bytes");
        }
        else if (cause instanceof CorruptedFrameException || cause instanceof DecoderException)
        {
            fatal(0, ErrorCode.MALFORMED_FRAME, "framing lost: " + cause.getMessage());
        }
        else
        {
            LOG.warn("event=connection_error remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private void onFrame(final ByteBuf frame)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.FRAMES_RECEIVED);
        }
        final int start = frame.readerIndex();
        if (frame.readableBytes() < FrameDescriptor.HEADER_LENGTH)
        {
            fatal(0, ErrorCode.MALFORMED_FRAME, "frame length field below 12");
            return;
        }
        final int version = frame.getUnsignedByte(start + FrameDescriptor.VERSION_OFFSET);
        final byte type = frame.getByte(start + FrameDescriptor.TYPE_OFFSET);
        final long correlationId = frame.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET);
        if (version != FrameDescriptor.CURRENT_VERSION)
        {
            fatal(correlationId, ErrorCode.UNSUPPORTED_VERSION, "frame version " + version + "; this server speaks 1..1");
            return;
        }
        final int bodyOffset = start + FrameDescriptor.HEADER_LENGTH;
        final int bodyLength = frame.readableBytes() - FrameDescriptor.HEADER_LENGTH;
        if (goodbyeReceived)
        {
            return;
        }
        final int flags = frame.getUnsignedShortLE(start + FrameDescriptor.FLAGS_OFFSET);
        if (flags != 0)
        {
            // no header flag is defined in v1: a frame that sets one asks for something this server cannot do
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            error(correlationId, ErrorCode.UNSUPPORTED_FEATURE, "header flags must be 0, got 0x" +
                Integer.toHexString(flags) + "; " + MessageType.name(type) + " ignored");
            return;
        }
        if (type == MessageType.HELLO)
        {
            onHello(correlationId, frame, bodyOffset, bodyLength);
            return;
        }
        if (type == MessageType.GOODBYE)
        {
            // also before HELLO: the client is leaving either way, and a half-open unauthenticated socket helps nobody
            goodbyeReceived = true;
            ctx.channel().config().setAutoRead(false);
            maybeFinishGoodbye();
            return;
        }
        if (tenant == null)
        {
            error(correlationId, ErrorCode.NOT_AUTHENTICATED, "send HELLO first; " + MessageType.name(type) + " ignored");
            return;
        }
        switch (type)
        {
            case MessageType.PING:
                onPing(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.PONG:
                break; // the server sends no PING; a stray PONG is harmless
            case MessageType.SUBMIT:
                onSubmit(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.SUBMIT_BATCH:
                onSubmitBatch(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.STATUS:
                onStatus(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.SUBSCRIBE:
                onSubscribe(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.SUBSCRIBE_INBOUND:
                onSubscribeInbound(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.CANCEL:
                onCancel(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.CONSENT:
                onConsent(correlationId, frame, bodyOffset, bodyLength);
                break;
            case MessageType.DIRECTORY_UPDATE:
            case MessageType.CAMPAIGN:
            case MessageType.CAMPAIGN_CONTROL:
            case MessageType.CAMPAIGN_STATS:
                onTargeting(TargetingFrames.requestType(type), correlationId, frame, bodyOffset, bodyLength);
                break;
            default:
                context.counters.increment(Counter.PROTOCOL_ERRORS);
                error(correlationId, ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type " + MessageType.name(type));
        }
    }

    private void onPing(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (length != 8)
        {
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            error(correlationId, ErrorCode.MALFORMED_FRAME, "PING body must be 8 bytes (u64 payload), got " + length);
            return;
        }
        final ByteBuf out = ctx.alloc().buffer(FrameDescriptor.HEADER_LENGTH + 8);
        Frames.pong(out, correlationId, frame.getLongLE(offset));
        ctx.write(out);
    }

    private void onHello(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (tenant != null || authenticating)
        {
            error(correlationId, ErrorCode.ALREADY_AUTHENTICATED, tenant != null
                ? "HELLO already accepted on this connection" : "a HELLO is being verified on this connection");
            return;
        }
        final int end = offset + length;
        if (length < 4)
        {
            fatal(correlationId, ErrorCode.MALFORMED_FRAME, "HELLO body shorter than 4 bytes");
            return;
        }
        final int minVersion = frame.getUnsignedByte(offset);
        final int maxVersion = frame.getUnsignedByte(offset + 1);
        int p = offset + 4;
        final String[] fields = new String[3];
        for (int i = 0; i < 3; i++)
        {
            if (p >= end || p + 1 + frame.getUnsignedByte(p) > end)
            {
                fatal(correlationId, ErrorCode.MALFORMED_FRAME, "HELLO truncated");
                return;
            }
            fields[i] = Frames.readStr8(frame, p);
            p += 1 + frame.getUnsignedByte(p);
        }
        if (minVersion > FrameDescriptor.CURRENT_VERSION || maxVersion < FrameDescriptor.CURRENT_VERSION)
        {
            fatal(correlationId, ErrorCode.UNSUPPORTED_VERSION,
                "client speaks " + minVersion + ".." + maxVersion + "; this server speaks 1..1");
            return;
        }
        // a hashed key may be verified off the event loop: read nothing more until the answer
        authenticating = true;
        ctx.channel().config().setAutoRead(false);
        context.authenticator.authenticate(fields[0], fields[1], ctx.channel().remoteAddress(), ctx.executor(),
            new HelloAuthenticator.Outcome()
            {
                @Override
                public void accepted(final TenantConfig t)
                {
                    onAuthenticated(correlationId, t, fields[2]);
                }

                @Override
                public void refused(final ErrorCode code, final String detail)
                {
                    fatal(correlationId, code, detail);
                }
            });
    }

    private void onAuthenticated(final long correlationId, final TenantConfig t, final String clientName)
    {
        authenticating = false;
        if (closed || goodbyeReceived)
        {
            return; // the client left (or said GOODBYE, answered already) while its key was verified
        }
        ctx.channel().config().setAutoRead(true);
        tenantId = t.id();
        // counted before anything is reserved for the connection: a refused one costs no direct memory
        final int registered = context.sessions.register(this);
        if (registered < 0)
        {
            final String problem = registered == SessionRegistry.TENANT_FULL
                ? "tenant " + t.name() + " has " + context.sessions.limits().maxConnectionsPerTenant() +
                " connections (ingest.maxConnectionsPerTenant)"
                : "the engine has " + context.sessions.limits().maxConnections() +
                " connections (ingest.maxConnections)";
            LOG.warn("event=session_refused tenant={} remote={} reason=\"{}\"", t.name(), ctx.channel().remoteAddress(),
                problem);
            fatal(correlationId, ErrorCode.BACKPRESSURE, problem + "; retry later");
            return;
        }
        answers = new OutboundQueue(context.initialCredit + 64, MAX_ANSWER_FRAME);
        tenant = t;
        credit = context.initialCredit;
        creditTick = ctx.executor().scheduleAtFixedRate(this::grantOwedCredit, CREDIT_TICK_MS, CREDIT_TICK_MS,
            TimeUnit.MILLISECONDS);
        final ByteBuf out = ctx.alloc().buffer(40);
        Frames.helloOk(out, correlationId, FrameDescriptor.CURRENT_VERSION, credit, context.maxFrameLength, ref);
        ctx.writeAndFlush(out);
        LOG.info("event=session_open tenant={} client={} remote={} session={}", t.name(), clientName,
            ctx.channel().remoteAddress(), ref);
    }

    private void onSubmit(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.SUBMITS_RECEIVED);
        }
        if (!takeCredit(correlationId))
        {
            return;
        }
        final ErrorCode invalid = submit.wrap(frame, offset, length).validate();
        if (invalid != null)
        {
            nackReturningCredit(correlationId, invalid, submit.invalidField());
            return;
        }
        int template = -1;
        if (submit.templateLength() > 0)
        {
            template = context.templates.find(frame, submit.templateOffset(), submit.templateLength());
            if (template < 0)
            {
                nackReturningCredit(correlationId, ErrorCode.UNKNOWN_TEMPLATE,
                    frame.toString(submit.templateOffset(), submit.templateLength(), java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            final String missing = context.templates.missingVariable(template, submit);
            if (missing != null)
            {
                nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, "var " + missing + " (used by the template)");
                return;
            }
        }
        final long sendAt = submit.sendAtEpochMs();
        if (sendAt > 0 && sendAt > context.clock.time() + context.maxScheduleAheadMs)
        {
            nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, "sendAtEpochMs: more than "
                + context.maxScheduleAheadMs / 86_400_000L + " days ahead (schedule.maxAheadDays)");
            return;
        }
        final String badDeadline = submit.varCount() == 0 ? null : fallbackDeadlineProblem();
        if (badDeadline != null)
        {
            nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, badDeadline);
            return;
        }
        int markedTextLength = -1;
        if (submit.kindCode() == MessageKind.MARKETING.code())
        {
            markedTextLength = marking.check(frame, submit, template, tenantId);
            if (markedTextLength == SubmitMarking.REFUSED)
            {
                nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, marking.problem());
                return;
            }
        }
        if (context.isShuttingDown())
        {
            nackReturningCredit(correlationId, ErrorCode.SHUTTING_DOWN, "engine is stopping");
            return;
        }
        if (context.isStorageFull())
        {
            context.counters.increment(Counter.STORAGE_FULL_NACKS);
            nackReturningCredit(correlationId, ErrorCode.STORAGE_FULL, "journal disk below journal.minFreeBytes; retry later");
            return;
        }
        final boolean isPriority = submit.kindCode() != MessageKind.MARKETING.code();
        sendsMarketing |= !isPriority;
        // cluster mode: the owner of the recipient's partition takes lane admission when it reads the message
        final SubmitIntake intake = submit.isDryRun() ? null : context.intake;
        final LaneAdmission admission = context.admissionByChannel[submit.channelCode()];
        if (intake == null && !admission.tryAcquire(isPriority))
        {
            waitForRoom();
            return;
        }
        final long sequence = intake == null ? claimRingSlot() : Long.MAX_VALUE;
        if (sequence < 0)
        {
            admission.release(isPriority);
            waitForRoom();
            return;
        }
        final DispatchEvent e = intake == null ? context.ring.get(sequence) : intakeEvent();
        e.type = DispatchEvent.SUBMIT;
        e.session = this;
        e.sessionRef = ref;
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
        outstanding++;
        if (intake == null)
        {
            context.ring.publish(sequence);
        }
        else
        {
            intake.submit(this, correlationId, e);
        }
    }

    private DispatchEvent intakeEvent()
    {
        if (intakeEvent == null)
        {
            intakeEvent = new DispatchEvent();
        }
        return intakeEvent;
    }

    /** Cluster mode: the authenticated tenant's name (nodes number tenants each in their own data dir). */
    public byte[] tenantName()
    {
        return context.tenants.nameBytes(tenantId);
    }

    /** Cluster mode: the session's event loop, where a {@link SubmitIntake} answers. */
    public java.util.concurrent.Executor eventLoop()
    {
        return ctx.executor();
    }

    /**
     * Cluster mode, event loop only: the answer to a SUBMIT the {@link SubmitIntake} took: ACK with its id, or a NACK
     * when {@code code} is not null.
     */
    public void answerTaken(final long correlationId, final long messageId, final ErrorCode code, final String detail)
    {
        outstanding--;
        owedCredit++;
        final ByteBuf out = ctx.alloc().buffer(64);
        if (code == null)
        {
            context.counters.increment(Counter.ACKED);
            Frames.ack(out, correlationId, messageId, Frames.ACK_ACCEPTED);
        }
        else
        {
            context.counters.increment(Counter.SUBMITS_NACKED);
            Frames.nack(out, correlationId, code, detail);
        }
        appendCredit(out);
        ctx.writeAndFlush(out, ctx.voidPromise());
        maybeFinishGoodbye();
    }

    private void onCancel(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!takeCredit(correlationId))
        {
            return;
        }
        final int by = length >= 1 ? frame.getUnsignedByte(offset) : -1;
        final int keyLength = length >= 2 ? frame.getUnsignedByte(offset + 1) : 0;
        if (!(by == Frames.CANCEL_BY_ID && length == 9) &&
            !(by == Frames.CANCEL_BY_KEY && keyLength > 0 && length == 2 + keyLength))
        {
            nackReturningCredit(correlationId, ErrorCode.MALFORMED_FRAME,
                "CANCEL body: u8 0 + u64 messageId, or u8 1 + u8 key length + key");
            return;
        }
        if (context.router != null && routedCancel(correlationId, by, frame, offset))
        {
            return;
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.CANCEL);
        if (sequence < 0)
        {
            return;
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
        outstanding++;
    }

    /** Cluster mode: @return true when the router took (or refused) the CANCEL; false when the ring answers it. */
    private boolean routedCancel(final long correlationId, final int by, final ByteBuf frame, final int offset)
    {
        if (by == Frames.CANCEL_BY_KEY)
        {
            nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, "CANCEL by key is not available in cluster" +
                " mode (a key is not tied to one node): cancel by the message id the ACK gave");
            return true;
        }
        if (!context.router.cancel(this, correlationId, frame.getLongLE(offset + 1)))
        {
            return false;
        }
        outstanding++;
        return true;
    }

    /** Cluster mode, event loop only: the answer to a STATUS the {@link RequestRouter} took. */
    public void answerStatus(final long correlationId, final long messageId, final int state, final int attempts,
        final int reason, final long updatedAtMs, final int channel, final int kind)
    {
        final ByteBuf out = ctx.alloc().buffer(Frames.STATUS_RESULT_FRAME_LENGTH + 16);
        Frames.statusResult(out, correlationId, messageId, state, attempts, reason, updatedAtMs, channel, kind);
        answerRouted(out);
    }

    /** Cluster mode, event loop only: the answer to a CANCEL the {@link RequestRouter} took. */
    public void answerCancel(final long correlationId, final long messageId, final byte result)
    {
        final ByteBuf out = ctx.alloc().buffer(Frames.CANCEL_RESULT_FRAME_LENGTH + 16);
        final int start = Frames.beginFrame(out, MessageType.CANCEL_RESULT, 0, correlationId);
        out.writeLongLE(messageId);
        out.writeByte(result);
        Frames.endFrame(out, start);
        answerRouted(out);
    }

    /** Cluster mode, event loop only: a NACK to a STATUS or CANCEL the {@link RequestRouter} took. */
    public void answerRefused(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        Frames.nack(out, correlationId, code, detail);
        answerRouted(out);
    }

    private void answerRouted(final ByteBuf out)
    {
        outstanding--;
        owedCredit++;
        appendCredit(out);
        ctx.writeAndFlush(out, ctx.voidPromise());
        maybeFinishGoodbye();
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
                .toLowerCase(java.util.Locale.ROOT) + " lane has no receipt deadline to override (lane.<channel>.fallback "
                + "and lane.<channel>.fallbackUndeliveredMs)";
        }
        if (named < FallbackDeadline.MIN_MS || named > max)
        {
            return "var " + FallbackDeadline.VARIABLE + ": milliseconds from " + FallbackDeadline.MIN_MS + " to " + max
                + " (below the lane's receiptTimeoutMs)";
        }
        return null;
    }

    private void onConsent(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!takeCredit(correlationId))
        {
            return;
        }
        final String invalid = ConsentFrame.validate(frame, offset, length);
        if (invalid != null)
        {
            nackReturningCredit(correlationId, ErrorCode.INVALID_FIELD, invalid);
            return;
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.CONSENT);
        if (sequence < 0)
        {
            return;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.bodyLength = length;
        frame.getBytes(offset, e.ensureBodyCapacity(length), 0, length);
        context.ring.publish(sequence);
        outstanding++;
    }

    /** A directory or campaign frame: copied off the connection and handed to the targeting thread. */
    private void onTargeting(final int requestType, final long correlationId, final ByteBuf frame, final int offset,
        final int length)
    {
        if (!takeCredit(correlationId))
        {
            return;
        }
        final String broken = TargetingFrames.check(requestType, frame, offset, length);
        if (broken != null)
        {
            nackReturningCredit(correlationId, ErrorCode.MALFORMED_FRAME, broken);
            return;
        }
        if (context.isShuttingDown())
        {
            nackReturningCredit(correlationId, ErrorCode.SHUTTING_DOWN, "engine is stopping");
            return;
        }
        // new recipients and new campaigns grow the journals; control and stats of running campaigns still work
        if ((requestType == TargetingRequest.DIRECTORY_UPDATE || requestType == TargetingRequest.CAMPAIGN)
            && context.isStorageFull())
        {
            context.counters.increment(Counter.STORAGE_FULL_NACKS);
            nackReturningCredit(correlationId, ErrorCode.STORAGE_FULL, "journal disk below journal.minFreeBytes; retry later");
            return;
        }
        final byte[] body = new byte[length];
        frame.getBytes(offset, body);
        if (!context.targeting.offer(new TargetingRequest(requestType, tenantId, this, correlationId, body)))
        {
            nackReturningCredit(correlationId, ErrorCode.BACKPRESSURE, "directory busy: retry");
            return;
        }
        outstanding++;
    }

    /** The targeting thread's answer to one of {@link #onTargeting}'s requests: written on the event loop. */
    @Override
    public void answer(final ByteBuf answer)
    {
        final ChannelHandlerContext c = ctx;
        if (c == null)
        {
            answer.release();
            return;
        }
        c.executor().execute(() ->
        {
            outstanding--;
            owedCredit++;
            if (closed && !goodbyeReceived)
            {
                answer.release();
                return;
            }
            appendCredit(answer);
            c.writeAndFlush(answer, c.voidPromise());
            maybeFinishGoodbye();
        });
    }

    /**
     * Every item of a batch gets exactly one answer with its own correlation id and costs one credit. The framing
     * (item lengths, no trailing bytes) is checked before any item is taken: when it is broken nothing of the
     * batch is processed and every item gets NACK MALFORMED_FRAME, so the client's ids and credit all come back.
     */
    private void onSubmitBatch(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (length < SubmitDescriptor.BATCH_HEADER_LENGTH)
        {
            nack(correlationId, ErrorCode.MALFORMED_FRAME, "SUBMIT_BATCH body shorter than 4 bytes");
            return;
        }
        final int count = frame.getUnsignedShortLE(offset);
        if (count == 0 || count > SubmitDescriptor.MAX_BATCH_COUNT)
        {
            nack(correlationId, ErrorCode.MALFORMED_FRAME, "SUBMIT_BATCH count " + count + " outside 1..1024");
            return;
        }
        final int end = offset + length;
        final int first = offset + SubmitDescriptor.BATCH_HEADER_LENGTH;
        int p = first;
        int framed = 0;
        while (framed < count && p + 2 <= end && p + 2 + frame.getUnsignedShortLE(p) <= end)
        {
            p += 2 + frame.getUnsignedShortLE(p);
            framed++;
        }
        if (framed < count || p != end)
        {
            final String problem = framed < count
                ? "SUBMIT_BATCH item " + framed + " runs past the frame; no item of the batch processed"
                : "SUBMIT_BATCH has bytes after its last item; no item of the batch processed";
            for (int i = 0; i < count; i++)
            {
                if (takeCredit(correlationId + i))
                {
                    nackReturningCredit(correlationId + i, ErrorCode.MALFORMED_FRAME, problem);
                }
            }
            return;
        }
        p = first;
        final int resumeAt = replaying ? parked.batchResumeAt() : 0;
        for (int i = 0; i < count; i++)
        {
            final int itemLength = frame.getUnsignedShortLE(p);
            if (i >= resumeAt)
            {
                onSubmit(correlationId + i, frame, p + 2, itemLength);
                if (parkCurrent)
                {
                    parkedBatchItem = i; // the items before it are answered; it and the rest wait
                    return;
                }
            }
            p += 2 + itemLength;
        }
    }

    private void onStatus(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.STATUS_QUERIES);
        }
        if (!takeCredit(correlationId))
        {
            return;
        }
        if (length != 8)
        {
            nackReturningCredit(correlationId, ErrorCode.MALFORMED_FRAME, "STATUS body must be 8 bytes");
            return;
        }
        if (context.router != null && context.router.status(this, correlationId, frame.getLongLE(offset)))
        {
            outstanding++;
            return;
        }
        final long sequence = claimRequest(correlationId, DispatchEvent.STATUS_QUERY);
        if (sequence < 0)
        {
            return;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.messageId = frame.getLongLE(offset);
        context.ring.publish(sequence);
        outstanding++;
    }

    private void onSubscribe(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final int scope = length >= 1 ? frame.getUnsignedByte(offset) : -1;
        if (scope != Frames.SCOPE_CONNECTION && scope != Frames.SCOPE_TENANT)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "scope must be 0 (connection) or 1 (tenant)");
            return;
        }
        final boolean resume = length >= 12;
        if (resume && scope != Frames.SCOPE_TENANT)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "resumeAfter: only a scope 1 (tenant) subscription resumes");
            return;
        }
        if (resume && context.router != null)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "resumeAfter: not available in cluster mode (receipts come" +
                " live from the cluster's status topic); subscribe without it");
            return;
        }
        final long resumeAfter = resume ? frame.getLongLE(offset + 4) : 0;
        if (resume && resumeAfter < 0)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "resumeAfter: a RECEIPT's position, or 0 for the start");
            return;
        }
        // one producer per receipt queue: the ring's status stage for live receipts, the stream thread for resumed ones
        if (receipts != null && (resume || subscriptionScope == SCOPE_JOURNAL))
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "this connection already subscribed receipts; " +
                "a resumed subscription needs a connection of its own");
            return;
        }
        if (receipts == null)
        {
            final int refused = context.sessions.subscribe(this);
            if (refused < 0)
            {
                refuse(correlationId, ErrorCode.BACKPRESSURE, refused == SessionRegistry.TENANT_FULL
                    ? "tenant " + tenant.name() + " has " + context.sessions.limits().maxSubscriptionsPerTenant() +
                    " receipt subscriptions (ingest.maxSubscriptionsPerTenant); retry later"
                    : "the engine has " + context.sessions.limits().maxSubscriptions() +
                    " receipt subscriptions (ingest.maxSubscriptions); retry later");
                return;
            }
            subscribed = true;
            receipts = new OutboundQueue(context.receiptBufferRecords, Frames.RECEIPT_FRAME_LENGTH);
        }
        final int mask = length >= 4 ? frame.getUnsignedShortLE(offset + 2) : 0;
        receiptStateMask = mask == 0 ? Frames.ALL_STATES : mask;
        if (resume)
        {
            // served by the stream thread from the journal: the status stage's live fan-out skips this scope
            subscriptionScope = SCOPE_JOURNAL;
            context.streams.receipts(this, context.tenants.nameBytes(tenantId), resumeAfter);
        }
        else
        {
            subscriptionScope = (byte)scope;
            context.sessions.refreshSubscribers();
        }
        final ByteBuf out = ctx.alloc().buffer(16);
        Frames.ok(out, correlationId);
        ctx.write(out);
    }

    private void onSubscribeInbound(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (length != 0 && length != 8)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "SUBSCRIBE_INBOUND body: empty (from now) or u64 resumeAfter");
            return;
        }
        final long resumeAfter = length == 8 ? frame.getLongLE(offset) : JournalCursor.FROM_NOW;
        if (length == 8 && resumeAfter < 0)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "resumeAfter: an INBOUND position, or 0 for the start");
            return;
        }
        if (inbound != null)
        {
            refuse(correlationId, ErrorCode.INVALID_FIELD, "this connection already subscribed inbound events");
            return;
        }
        inbound = new OutboundQueue(INBOUND_BUFFER_FRAMES, FrameDescriptor.HEADER_LENGTH + 8 + InboundBody.MAX_BODY_BYTES);
        // answered once the stream thread placed the cursor: an event journaled after the OK is never "before now"
        final ChannelHandlerContext c = ctx;
        context.streams.inbound(this, context.tenants.nameBytes(tenantId), resumeAfter, () -> c.executor().execute(() ->
        {
            final ByteBuf out = c.alloc().buffer(16);
            Frames.ok(out, correlationId);
            c.writeAndFlush(out);
        }));
    }

    /**
     * A request within credit found the lanes or the ring full: it is not refused but waits, with every frame after
     * it, until there is room (docs/design/backpressure.md). Its credit is given back: it is taken again then.
     */
    private void waitForRoom()
    {
        credit++;
        parkCurrent = true;
        parkedBatchItem = 0; // a SUBMIT_BATCH sets the item after this returns
    }

    /** Takes one credit for a request, or answers NACK CREDIT_EXCEEDED. */
    private boolean takeCredit(final long correlationId)
    {
        if (credit <= 0)
        {
            nack(correlationId, ErrorCode.CREDIT_EXCEEDED, "no credit left: wait for CREDIT");
            return false;
        }
        credit--;
        return true;
    }

    /**
     * Claims a ring slot for a request answered by the ring and fills the fields every request has.
     *
     * @return the sequence to publish, or -1 when the request waits for room ({@link #waitForRoom()}).
     */
    private long claimRequest(final long correlationId, final int type)
    {
        final long sequence = claimRingSlot();
        if (sequence < 0)
        {
            waitForRoom();
            return -1;
        }
        final DispatchEvent e = context.ring.get(sequence);
        e.type = type;
        e.session = this;
        e.sessionRef = ref;
        e.correlationId = correlationId;
        e.tenantId = tenantId;
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

    private void nack(final long correlationId, final ErrorCode code, final String detail)
    {
        context.counters.increment(Counter.SUBMITS_NACKED);
        refuse(correlationId, code, detail);
    }

    /** A NACK that counts no refused SUBMIT: a refused SUBSCRIBE. */
    private void refuse(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        Frames.nack(out, correlationId, code, detail);
        ctx.write(out);
    }

    private void nackReturningCredit(final long correlationId, final ErrorCode code, final String detail)
    {
        nack(correlationId, code, detail);
        owedCredit++;
    }

    private void error(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        Frames.error(out, correlationId, code, detail);
        ctx.write(out);
    }

    /** ERROR, then close: the stream cannot be trusted any more. */
    private void fatal(final long correlationId, final ErrorCode code, final String detail)
    {
        context.counters.increment(Counter.PROTOCOL_ERRORS);
        if (closed)
        {
            return;
        }
        closed = true;
        ctx.channel().config().setAutoRead(false);
        final ByteBuf out = ctx.alloc().buffer(64);
        Frames.error(out, correlationId, code, detail);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- called by the post-journal ring thread (single producer) ----

    /** @return false when the queue is full (cannot happen while the client respects credit). */
    public boolean offerAck(final long correlationId, final long messageId, final byte outcome)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.ACK, Frames.ACK_FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        b.putLong(index + FrameDescriptor.HEADER_LENGTH, messageId, ByteOrder.LITTLE_ENDIAN);
        b.putByte(index + FrameDescriptor.HEADER_LENGTH + 8, outcome);
        q.commit(index);
        return true;
    }

    /**
     * @param fallback        the lane's fallback channel | its decision << 8 | its reason << 16 (docs/protocol.md).
     * @param fallbackAddress where the fallback would go instead of the message's address: u8 length (0: its own), bytes.
     * @param window          the conversation window's state | the message tag chosen << 8, 0 without a window rule.
     * @param windowLastMs    the user's last message on the channel, epoch ms, 0 when none is known.
     */
    public boolean offerExplain(
        final long correlationId, final byte decision, final byte channel, final boolean priority, final short reason,
        final long at, final int fallback, final byte[] fallbackAddress, final int window, final long windowLastMs)
    {
        final OutboundQueue q = answers;
        final int addressLength = 1 + (fallbackAddress[0] & 0xFF);
        final int index = q.claimFrame(MessageType.EXPLAIN_RESULT, Frames.EXPLAIN_RESULT_FRAME_LENGTH + addressLength,
            correlationId);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        final int p = index + FrameDescriptor.HEADER_LENGTH;
        b.putByte(p, decision);
        b.putByte(p + 1, channel);
        b.putByte(p + 2, (byte)(priority ? 0 : 1));
        b.putByte(p + 3, (byte)fallback);
        b.putShort(p + 4, reason, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 6, (byte)(fallback >>> 8));
        b.putByte(p + 7, (byte)(fallback >>> 16));
        b.putLong(p + 8, at, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 16, (byte)window);
        b.putByte(p + 17, (byte)(window >>> 8));
        b.putLong(p + 18, windowLastMs, ByteOrder.LITTLE_ENDIAN);
        b.putBytes(p + 26, fallbackAddress, 0, addressLength);
        q.commit(index);
        return true;
    }

    public boolean offerCancelResult(final long correlationId, final long messageId, final byte result)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.CANCEL_RESULT, Frames.CANCEL_RESULT_FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        b.putLong(index + FrameDescriptor.HEADER_LENGTH, messageId, ByteOrder.LITTLE_ENDIAN);
        b.putByte(index + FrameDescriptor.HEADER_LENGTH + 8, result);
        q.commit(index);
        return true;
    }

    public boolean offerOk(final long correlationId)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.OK, FrameDescriptor.HEADER_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        q.commit(index);
        return true;
    }

    /** @param detail a constant (pre-encoded, so the ring thread allocates nothing). */
    public boolean offerNack(final long correlationId, final ErrorCode code, final byte[] detail)
    {
        final OutboundQueue q = answers;
        final int length = FrameDescriptor.HEADER_LENGTH + 4 + detail.length;
        final int index = q.claimFrame(MessageType.NACK, length, correlationId);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        b.putShort(index + FrameDescriptor.HEADER_LENGTH, (short)code.code(), ByteOrder.LITTLE_ENDIAN);
        b.putShort(index + FrameDescriptor.HEADER_LENGTH + 2, (short)detail.length, ByteOrder.LITTLE_ENDIAN);
        b.putBytes(index + FrameDescriptor.HEADER_LENGTH + 4, detail);
        q.commit(index);
        return true;
    }

    public boolean offerStatusResult(
        final long correlationId, final long messageId, final int state, final int attempts, final int reason,
        final long updatedAtMs, final int channel, final int kind)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.STATUS_RESULT, Frames.STATUS_RESULT_FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        final int p = index + FrameDescriptor.HEADER_LENGTH;
        b.putLong(p, messageId, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 8, (byte)state);
        b.putByte(p + 9, (byte)attempts);
        b.putShort(p + 10, (short)reason, ByteOrder.LITTLE_ENDIAN);
        b.putLong(p + 12, updatedAtMs, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 20, (byte)channel);
        b.putByte(p + 21, (byte)kind);
        q.commit(index);
        return true;
    }

    /**
     * Receipts are best effort per subscriber: a full buffer counts a drop, reported as RECEIPTS_DROPPED.
     *
     * @return true when the session has something new to write: the receipt, or a drop to report.
     */
    public boolean offerReceipt(
        final long messageId, final int state, final int attempts, final int reason, final long atMs, final int channel,
        final long position)
    {
        final OutboundQueue q = receipts;
        if (q == null || (receiptStateMask & (1 << state)) == 0)
        {
            return false;
        }
        if (!putReceipt(q, messageId, state, attempts, reason, atMs, channel, position))
        {
            droppedReceipts.incrementAndGet();
        }
        return true;
    }

    private static boolean putReceipt(final OutboundQueue q, final long messageId, final int state, final int attempts,
        final int reason, final long atMs, final int channel, final long position)
    {
        final int index = q.claimFrame(MessageType.RECEIPT, Frames.RECEIPT_FRAME_LENGTH, 0L);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        final int p = index + FrameDescriptor.HEADER_LENGTH;
        b.putLong(p, messageId, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 8, (byte)state);
        b.putByte(p + 9, (byte)attempts);
        b.putShort(p + 10, (short)reason, ByteOrder.LITTLE_ENDIAN);
        b.putLong(p + 12, atMs, ByteOrder.LITTLE_ENDIAN);
        b.putByte(p + 20, (byte)channel);
        b.putLong(p + 21, position, ByteOrder.LITTLE_ENDIAN);
        q.commit(index);
        return true;
    }

    /**
     * Stream thread: a receipt read from the journal for a resumed subscription. Never dropped: when the buffer is
     * full the stream stops and offers it again later.
     *
     * @return false when the buffer is full.
     */
    public boolean offerStreamedReceipt(final long messageId, final int state, final int attempts, final int reason,
        final long atMs, final int channel, final long position)
    {
        final OutboundQueue q = receipts;
        if ((receiptStateMask & (1 << state)) == 0)
        {
            return true;
        }
        return putReceipt(q, messageId, state, attempts, reason, atMs, channel, position);
    }

    /** Stream thread: one inbound event ({@code InboundBody}) with its position. @return false when the buffer is full. */
    public boolean offerInbound(final long position, final byte[] body, final int length)
    {
        final OutboundQueue q = inbound;
        final int index = q.claimFrame(MessageType.INBOUND, FrameDescriptor.HEADER_LENGTH + 8 + length, 0L);
        if (index < 0)
        {
            return false;
        }
        final UnsafeBuffer b = q.buffer();
        final int p = index + FrameDescriptor.HEADER_LENGTH;
        b.putLong(p, position, ByteOrder.LITTLE_ENDIAN);
        b.putBytes(p + 8, body, 0, length);
        q.commit(index);
        return true;
    }

    /** Whether the connection is still open (any thread). */
    public boolean isOpen()
    {
        return open;
    }

    /** Asks the event loop to write what the ring stages queued; at most one drain is pending at a time. */
    public void scheduleDrain()
    {
        final ChannelHandlerContext c = ctx;
        if (c != null && drainScheduled.compareAndSet(false, true))
        {
            c.executor().execute(drainTask);
        }
    }

    // ---- event loop ----

    private void drain()
    {
        drainScheduled.set(false);
        if (closed && !goodbyeReceived)
        {
            return;
        }
        // receipts are read before answers and written after them: the ring thread queues a message's ACK before
        // any receipt of it, so every ACK a receipt read here depends on is already in the answer queue when it is
        // read next (docs/design/answer-order.md)
        final OutboundQueue r = receipts;
        ByteBuf receiptFrames = null;
        int receiptCount = 0;
        if (r != null && ctx.channel().isWritable())
        {
            receiptFrames = ctx.alloc().directBuffer(4096);
            receiptCount = r.drainTo(receiptFrames, 8192);
            final int dropped = droppedReceipts.getAndSet(0);
            if (dropped > 0)
            {
                Frames.receiptsDropped(receiptFrames, dropped);
                context.counters.add(Counter.RECEIPTS_DROPPED, dropped);
            }
        }
        final ByteBuf out = ctx.alloc().directBuffer(4096);
        final int answered = answers == null ? 0 : answers.drainTo(out, Integer.MAX_VALUE);
        outstanding -= answered;
        owedCredit += answered;
        context.counters.add(Counter.RECEIPTS_SENT, receiptCount);
        final OutboundQueue in = inbound;
        if (in != null && ctx.channel().isWritable())
        {
            in.drainTo(out, 1024);
        }
        appendCredit(out);
        boolean written = write(out);
        if (receiptFrames != null)
        {
            written |= write(receiptFrames);
        }
        if (written)
        {
            ctx.flush();
        }
        if ((r != null && !r.isEmpty() || in != null && !in.isEmpty()) && ctx.channel().isWritable())
        {
            scheduleDrain();
        }
        maybeFinishGoodbye();
    }

    /** @return true when there was something to write (and it is written, not flushed). */
    private boolean write(final ByteBuf frames)
    {
        if (frames.isReadable())
        {
            ctx.write(frames, ctx.voidPromise());
            return true;
        }
        frames.release();
        return false;
    }

    /** The periodic tick: grants credit withheld under pressure once the pressure has gone; lets idle queues shrink. */
    private void grantOwedCredit()
    {
        if (!parked.isEmpty())
        {
            replayParked();
        }
        answers.idleTick();
        final OutboundQueue r = receipts;
        if (r != null)
        {
            r.idleTick();
        }
        final OutboundQueue in = inbound;
        if (in != null)
        {
            in.idleTick();
        }
        if (mayGrantCredit())
        {
            final ByteBuf out = ctx.alloc().buffer(Frames.CREDIT_FRAME_LENGTH);
            appendCredit(out);
            ctx.writeAndFlush(out, ctx.voidPromise());
        }
    }

    private boolean mayGrantCredit()
    {
        return owedCredit > 0 && !goodbyeReceived && !context.underPressure(!sendsMarketing);
    }

    private void appendCredit(final ByteBuf out)
    {
        if (mayGrantCredit())
        {
            Frames.credit(out, owedCredit);
            credit += owedCredit;
            owedCredit = 0;
        }
    }

    /**
     * Any thread (the drain): stop reading and say GOODBYE with {@code reason} and the retry hint once every
     * answer owed is written. Frames already read are still answered (a SUBMIT with NACK SHUTTING_DOWN).
     */
    void leave(final int reason, final long retryAfterMs)
    {
        final ChannelHandlerContext c = ctx;
        if (c == null)
        {
            return;
        }
        c.executor().execute(() ->
        {
            if (leavingReason < 0)
            {
                leavingReason = reason;
                leavingRetryAfterMs = retryAfterMs;
                c.channel().config().setAutoRead(false);
                if (!parked.isEmpty())
                {
                    replayParked(); // the engine is stopping: a waiting SUBMIT is answered SHUTTING_DOWN
                }
                maybeFinishGoodbye();
            }
        });
    }

    private void maybeFinishGoodbye()
    {
        if ((goodbyeReceived || leavingReason >= 0) && !goodbyeSent && outstanding == 0 && parked.isEmpty()
            && ctx.channel().isActive())
        {
            goodbyeSent = true;
            final ByteBuf out = ctx.alloc().buffer(32);
            if (leavingReason >= 0)
            {
                Frames.goodbye(out, 0, leavingReason, leavingRetryAfterMs);
                ctx.writeAndFlush(out).addListener(f -> lingerAfterGoodbye());
            }
            else
            {
                Frames.goodbye(out, 0, 0);
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * The engine's GOODBYE may cross requests the client is still writing. Closing with those unread would send
     * RST, and a RST can make the client's kernel drop the GOODBYE before it was read. So: send FIN, read and
     * discard until the client closes, and close anyway after {@link #GOODBYE_LINGER_MS}.
     */
    private void lingerAfterGoodbye()
    {
        final ChannelHandlerContext c = ctx;
        if (c.channel() instanceof DuplexChannel duplex)
        {
            duplex.shutdownOutput();
        }
        c.channel().config().setAutoRead(true);
        c.executor().schedule(() -> c.close(), GOODBYE_LINGER_MS, TimeUnit.MILLISECONDS);
    }
}
