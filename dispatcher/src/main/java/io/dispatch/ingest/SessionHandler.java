package io.dispatch.ingest;

import io.dispatch.config.TenantConfig;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.status.Counter;
import io.dispatch.targeting.Requester;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One client connection on its event loop: lifecycle, HELLO and authentication, the credit tick, requests parked
 * for room, and the order of things at GOODBYE ({@link SessionExit}). Each request frame goes to the
 * {@link RequestAdapter} (or {@link SubscriptionRequests}), which decodes, validates and publishes it and says what
 * became of it; {@link SessionOutput} writes the answers and refusals and keeps the credit window. The ring and the
 * stream thread answer through the {@link SessionProxy}, never through this class. Never {@code @Sharable}. See
 * docs/design/session.md.
 * <p>
 * <b>Note:</b> every method runs on the connection's event loop, except {@link #answer} and {@link #leave}, which
 * hop onto it.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements Requester
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);
    private static final long CREDIT_TICK_MS = 5;
    /**
     * 2 ms: marketing's 1,024 slots then still carry 500,000 msg/s, and the event loop, which polls without blocking
     * for the last half millisecond before a timer is due, spins a quarter of the wait instead of half of it.
     */
    private static final long MARKETING_RETRY_MS = 2;

    private final IngestContext context;
    private final SessionProxy proxy;
    private final RequestAdapter requests;
    private final SubscriptionRequests subscriptions;
    private final SessionExit exit;
    private final SessionOutput output;
    private final ParkedRequests parked = new ParkedRequests();

    private ChannelHandlerContext ctx;
    private TenantConfig tenant;
    /** System.nanoTime() of the socket read being decoded, 0 between reads. */
    private long readNanos;
    private boolean closed;
    /** A HELLO's key is being checked (maybe hashed off the event loop); reading is paused meanwhile. */
    private boolean authenticating;
    private ScheduledFuture<?> creditTick;
    private boolean marketingRetryPending;
    /** Set by a request that found no room: the frame being processed joins {@link #parked}. */
    private boolean parkCurrent;
    /** With {@link #parkCurrent} on a SUBMIT_BATCH: the item that found no room. */
    private int parkedBatchItem;
    /** A parked frame is being processed again: it was counted when it was read. */
    private boolean replaying;

    public SessionHandler(final IngestContext context)
    {
        this.context = context;
        this.proxy = new SessionProxy(this::drain);
        this.requests = new RequestAdapter(context, this, proxy);
        this.subscriptions = new SubscriptionRequests(context, this, proxy);
        this.exit = new SessionExit(this);
        this.output = new SessionOutput(context, proxy, exit, requests);
    }

    /** The ring's side of this connection. */
    SessionProxy proxy()
    {
        return proxy;
    }

    public int tenantId()
    {
        return proxy.tenantId();
    }

    /** Once authenticated. */
    TenantConfig tenant()
    {
        return tenant;
    }

    ChannelHandlerContext ctx()
    {
        return ctx;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        output.channel(ctx);
        proxy.eventLoop(ctx.executor());
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
        if (exit.reading())
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
        retrySoonIfMarketingShare();
    }

    /**
     * Marketing's ring share frees up within a ring batch, not a tick: a request waiting for it is retried after
     * {@link #MARKETING_RETRY_MS}, so a bulk client still fills what marketing may hold.
     */
    private void retrySoonIfMarketingShare()
    {
        if (requests.takeWaitsForMarketingShare() && !marketingRetryPending)
        {
            marketingRetryPending = true;
            ctx.executor().schedule(() ->
            {
                marketingRetryPending = false;
                if (!parked.isEmpty())
                {
                    replayParked();
                }
            }, MARKETING_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The periodic tick, and a drain's GOODBYE: processes the waiting frames again, in order, until one still finds
     * no room; reading resumes once none waits.
     */
    void replayParked()
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
                retrySoonIfMarketingShare();
                break;
            }
            parked.removeHead();
        }
        if (parked.isEmpty() && !closed && !authenticating && !exit.stopsReading())
        {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    boolean hasParked()
    {
        return !parked.isEmpty();
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
            proxy.scheduleDrain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closed = true;
        proxy.close();
        if (creditTick != null)
        {
            creditTick.cancel(false);
        }
        parked.releaseAll();
        context.sessions.unregister(this, subscriptions.subscribed());
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
        final int body = start + FrameDescriptor.HEADER_LENGTH;
        final int length = frame.readableBytes() - FrameDescriptor.HEADER_LENGTH;
        if (exit.goodbyeReceived())
        {
            return;
        }
        final int flags = frame.getUnsignedShortLE(start + FrameDescriptor.FLAGS_OFFSET);
        if (flags != 0)
        {
            // no header flag is defined in v1: a frame that sets one asks for something this server cannot do
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            output.error(correlationId, ErrorCode.UNSUPPORTED_FEATURE, "header flags must be 0, got 0x" +
                Integer.toHexString(flags) + "; " + MessageType.name(type) + " ignored");
            return;
        }
        if (type == MessageType.HELLO)
        {
            onHello(correlationId, frame, body, length);
            return;
        }
        if (type == MessageType.GOODBYE)
        {
            // also before HELLO: the client is leaving either way, and a half-open unauthenticated socket helps nobody
            exit.onGoodbye();
            return;
        }
        if (tenant == null)
        {
            output.error(correlationId, ErrorCode.NOT_AUTHENTICATED, "send HELLO first; " + MessageType.name(type) + " ignored");
            return;
        }
        onRequest(type, correlationId, frame, body, length);
    }

    private void onRequest(final byte type, final long correlationId, final ByteBuf frame, final int body,
        final int length)
    {
        switch (type)
        {
            case MessageType.PING:
                onPing(correlationId, frame, body, length);
                break;
            case MessageType.PONG:
                break; // the server sends no PING; a stray PONG is harmless
            case MessageType.SUBMIT:
                onSubmit(correlationId, frame, body, length);
                break;
            case MessageType.SUBMIT_BATCH:
                onSubmitBatch(correlationId, frame, body, length);
                break;
            case MessageType.STATUS:
                if (!replaying)
                {
                    context.counters.increment(Counter.STATUS_QUERIES);
                }
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onStatus(correlationId, frame, body, length));
                }
                break;
            case MessageType.SUBSCRIBE:
                answerSubscription(correlationId, subscriptions.onSubscribe(frame, body, length));
                break;
            case MessageType.SUBSCRIBE_INBOUND:
                answerSubscription(correlationId,
                    subscriptions.onSubscribeInbound(frame, body, length, okOnEventLoop(correlationId)));
                break;
            case MessageType.CANCEL:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onCancel(correlationId, frame, body, length));
                }
                break;
            case MessageType.CONSENT:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onConsent(correlationId, frame, body, length));
                }
                break;
            case MessageType.DIRECTORY_UPDATE:
            case MessageType.CAMPAIGN:
            case MessageType.CAMPAIGN_CONTROL:
            case MessageType.CAMPAIGN_STATS:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onTargeting(TargetingFrames.requestType(type), correlationId, frame,
                        body, length));
                }
                break;
            default:
                context.counters.increment(Counter.PROTOCOL_ERRORS);
                output.error(correlationId, ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type " + MessageType.name(type));
        }
    }

    private void onPing(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (length != 8)
        {
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            output.error(correlationId, ErrorCode.MALFORMED_FRAME, "PING body must be 8 bytes (u64 payload), got " + length);
            return;
        }
        final ByteBuf out = ctx.alloc().buffer(FrameDescriptor.HEADER_LENGTH + 8);
        ByteBufFrames.pong(out, correlationId, frame.getLongLE(offset));
        ctx.write(out);
    }

    private void onHello(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (tenant != null || authenticating)
        {
            output.error(correlationId, ErrorCode.ALREADY_AUTHENTICATED, tenant != null
                ? "HELLO already accepted on this connection" : "a HELLO is being verified on this connection");
            return;
        }
        final String[] fields = new String[3];
        final String problem = HelloFrame.read(frame, offset, length, fields);
        if (problem != null)
        {
            fatal(correlationId, HelloFrame.isVersionProblem(problem) ? ErrorCode.UNSUPPORTED_VERSION
                : ErrorCode.MALFORMED_FRAME, problem);
            return;
        }
        // a hashed key may be verified off the event loop: read nothing more until the answer
        authenticating = true;
        ctx.channel().config().setAutoRead(false);
        context.authenticator.authenticate(fields[HelloFrame.TENANT], fields[HelloFrame.API_KEY], ctx.channel().remoteAddress(), ctx.executor(),
            new HelloAuthenticator.Outcome()
            {
                @Override
                public void accepted(final TenantConfig t)
                {
                    onAuthenticated(correlationId, t, fields[HelloFrame.CLIENT_NAME]);
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
        if (closed || exit.goodbyeReceived())
        {
            return; // the client left (or said GOODBYE, answered already) while its key was verified
        }
        ctx.channel().config().setAutoRead(true);
        proxy.tenantId(t.id());
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
        proxy.openAnswers(context.initialCredit + 64);
        tenant = t;
        output.openCredit(context.initialCredit);
        creditTick = ctx.executor().scheduleAtFixedRate(this::onTick, CREDIT_TICK_MS, CREDIT_TICK_MS,
            TimeUnit.MILLISECONDS);
        final ByteBuf out = ctx.alloc().buffer(40);
        ByteBufFrames.helloOk(out, correlationId, FrameDescriptor.CURRENT_VERSION, output.credit(), context.maxFrameLength,
            proxy.ref());
        ctx.writeAndFlush(out);
        LOG.info("event=session_open tenant={} client={} remote={} session={}", t.name(), clientName,
            ctx.channel().remoteAddress(), proxy.ref());
    }

    private void onSubmit(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.SUBMITS_RECEIVED);
        }
        if (output.takeCredit(correlationId))
        {
            settle(correlationId, requests.onSubmit(correlationId, frame, offset, length, readNanos));
        }
    }

    /**
     * Every item of a batch gets exactly one answer with its own correlation id and costs one credit. The framing
     * (item lengths, no trailing bytes) is checked before any item is taken: when it is broken nothing of the
     * batch is processed and every item gets NACK MALFORMED_FRAME, so the client's ids and credit all come back.
     */
    private void onSubmitBatch(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final String broken = SubmitBatchFrame.headerProblem(frame, offset, length);
        if (broken != null)
        {
            output.nack(correlationId, ErrorCode.MALFORMED_FRAME, broken);
            return;
        }
        final int count = SubmitBatchFrame.count(frame, offset, length);
        final String problem = SubmitBatchFrame.itemsProblem(frame, offset, length, count);
        if (problem != null)
        {
            for (int i = 0; i < count; i++)
            {
                if (output.takeCredit(correlationId + i))
                {
                    output.nackReturningCredit(correlationId + i, ErrorCode.MALFORMED_FRAME, problem);
                }
            }
            return;
        }
        int p = offset + SubmitDescriptor.BATCH_HEADER_LENGTH;
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

    /** What became of a request that took a credit. */
    private void settle(final long correlationId, final int outcome)
    {
        switch (outcome)
        {
            case RequestAdapter.PUBLISHED:
                output.handedOn();
                break;
            case RequestAdapter.FOR_INTAKE:
                output.handedOn(); // before the hand-over: an intake may answer at once
                context.intake.submit(this, correlationId, requests.intakeEvent());
                break;
            case RequestAdapter.ROUTED:
                output.handedOn(); // the router answers through answerStatus/answerCancel/answerRefused
                break;
            case RequestAdapter.NO_ROOM:
                waitForRoom();
                break;
            default:
                output.nackReturningCredit(correlationId, requests.refusal(), requests.detail());
        }
    }

    /** SUBSCRIBE and SUBSCRIBE_INBOUND cost no credit: OK, or a NACK that counts no refused SUBMIT. */
    private void answerSubscription(final long correlationId, final int outcome)
    {
        if (outcome == RequestAdapter.SUBSCRIBED)
        {
            output.ok(correlationId);
        }
        else if (outcome == RequestAdapter.REFUSED)
        {
            output.refuse(correlationId, subscriptions.refusal(), subscriptions.detail());
        }
    }

    private Runnable okOnEventLoop(final long correlationId)
    {
        final ChannelHandlerContext c = ctx;
        return () -> c.executor().execute(() ->
        {
            final ByteBuf out = c.alloc().buffer(16);
            ByteBufFrames.ok(out, correlationId);
            c.writeAndFlush(out);
        });
    }

    /** Cluster mode: the authenticated tenant's name (nodes number tenants each in their own data dir). */
    public byte[] tenantName()
    {
        return context.tenants.nameBytes(proxy.tenantId());
    }

    /** Cluster mode: the session's event loop, where a {@link SubmitIntake} answers. */
    public Executor eventLoop()
    {
        return ctx.executor();
    }

    /**
     * Cluster mode, event loop only: the answer to a SUBMIT the {@link SubmitIntake} took: ACK with its id, or a NACK
     * when {@code code} is not null.
     */
    public void answerTaken(final long correlationId, final long messageId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        if (code == null)
        {
            context.counters.increment(Counter.ACKED);
            output.ack(out, correlationId, messageId);
        }
        else
        {
            context.counters.increment(Counter.SUBMITS_NACKED);
            ByteBufFrames.nack(out, correlationId, code, detail);
        }
        output.writeAnswer(out);
    }

    /** Cluster mode, event loop only: the answer to a STATUS the {@link RequestRouter} took. */
    public void answerStatus(final long correlationId, final long messageId, final int state, final int attempts,
        final int reason, final long updatedAtMs, final int channel, final int kind)
    {
        final ByteBuf out = ctx.alloc().buffer(Frames.STATUS_RESULT_FRAME_LENGTH + 16);
        ByteBufFrames.statusResult(out, correlationId, messageId, state, attempts, reason, updatedAtMs, channel, kind);
        output.writeAnswer(out);
    }

    /** Cluster mode, event loop only: the answer to a CANCEL the {@link RequestRouter} took. */
    public void answerCancel(final long correlationId, final long messageId, final byte result)
    {
        final ByteBuf out = ctx.alloc().buffer(Frames.CANCEL_RESULT_FRAME_LENGTH + 16);
        final int start = ByteBufFrames.beginFrame(out, MessageType.CANCEL_RESULT, 0, correlationId);
        out.writeLongLE(messageId);
        out.writeByte(result);
        ByteBufFrames.endFrame(out, start);
        output.writeAnswer(out);
    }

    /** Cluster mode, event loop only: a NACK to a STATUS or CANCEL the {@link RequestRouter} took. */
    public void answerRefused(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        ByteBufFrames.nack(out, correlationId, code, detail);
        output.writeAnswer(out);
    }

    /** Cluster mode: the ring's side of this connection, where a cluster node delivers its receipts. */
    public SessionProxy receiptSink()
    {
        return proxy;
    }

    /** The targeting thread's answer to a directory or campaign request: written on the event loop. */
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
            if (closed && !exit.goodbyeReceived())
            {
                output.dropAnswer();
                answer.release();
                return;
            }
            output.writeAnswer(answer);
        });
    }

    /**
     * A request within credit found the lanes or the ring full: it is not refused but waits, with every frame after
     * it, until there is room (docs/design/backpressure.md). Its credit is given back: it is taken again then.
     */
    private void waitForRoom()
    {
        output.giveCreditBack();
        parkCurrent = true;
        parkedBatchItem = 0; // a SUBMIT_BATCH sets the item after this returns
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
        ByteBufFrames.error(out, correlationId, code, detail);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    int outstanding()
    {
        return output.outstanding();
    }

    /** The proxy asked for a drain. */
    private void drain()
    {
        proxy.drainStarted();
        if (closed && !exit.goodbyeReceived())
        {
            return;
        }
        output.drain();
    }

    /** Every {@link #CREDIT_TICK_MS}: retries parked requests, grants credit withheld under pressure, shrinks queues. */
    private void onTick()
    {
        if (!parked.isEmpty())
        {
            replayParked();
        }
        proxy.idleTick();
        output.grantOwedCredit();
    }

    /**
     * Any thread (the drain): stop reading and say GOODBYE with {@code reason} and the retry hint once every
     * answer owed is written. Frames already read are still answered (a SUBMIT with NACK SHUTTING_DOWN).
     */
    void leave(final int reason, final long retryAfterMs)
    {
        final ChannelHandlerContext c = ctx;
        if (c != null)
        {
            c.executor().execute(() -> exit.leave(reason, retryAfterMs));
        }
    }
}
