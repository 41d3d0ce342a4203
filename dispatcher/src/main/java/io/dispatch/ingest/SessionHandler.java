package io.dispatch.ingest;

import io.dispatch.config.TenantConfig;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
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
 * One client connection on its event loop: the Netty lifecycle, the credit tick, fatal errors, the drain, and the
 * answers that come from other threads (the targeting thread, the cluster's intake and router). Each frame read goes
 * to the {@link FrameDispatch}, which checks it, gives HELLO to the {@link Handshake}, routes each request to the
 * {@link RequestAdapter} (or {@link SubscriptionRequests}) and parks what finds no room; {@link SessionOutput} writes
 * the answers and refusals and keeps the credit window, and {@link SessionExit} orders GOODBYE. The ring and the
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

    private final IngestContext context;
    private final SessionProxy proxy;
    private final RequestAdapter requests;
    private final SubscriptionRequests subscriptions;
    private final SessionExit exit;
    private final SessionOutput output;
    private final Handshake handshake;
    private final FrameDispatch frames;

    private ChannelHandlerContext ctx;
    private boolean closed;
    /** Authenticated: the tick may run from now on. */
    private boolean tickEnabled;
    /** Runs only while something waits for it ({@link #armTick}). */
    private ScheduledFuture<?> creditTick;

    public SessionHandler(final IngestContext context)
    {
        this.context = context;
        this.proxy = new SessionProxy(this::drain);
        this.requests = new RequestAdapter(context, this, proxy);
        this.subscriptions = new SubscriptionRequests(context, this, proxy);
        this.exit = new SessionExit(this);
        this.output = new SessionOutput(this, context, proxy, exit, requests);
        this.handshake = new Handshake(context, this, proxy, output, exit);
        this.frames = new FrameDispatch(context, this, handshake, requests, subscriptions, exit, output);
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
        return handshake.tenant();
    }

    ChannelHandlerContext ctx()
    {
        return ctx;
    }

    /** @return true once the connection closed or a fatal error is closing it. */
    boolean isClosed()
    {
        return closed;
    }

    /** Processes the requests that wait for room again ({@link FrameDispatch#replayParked}). */
    void replayParked()
    {
        frames.replayParked();
    }

    boolean hasParked()
    {
        return frames.hasParked();
    }

    /** Once authenticated: from now on the tick runs whenever something waits for it. */
    void startTick()
    {
        tickEnabled = true;
        armTick();
    }

    /**
     * Event loop: starts the tick if a request waits for room, credit is owed but withheld, or a grown queue waits
     * to shrink; cheap when it runs already or nothing waits. The tick stops itself once nothing does. Not a timer
     * per idle session: Netty's NIO loop polls without blocking for the last half millisecond before each timer,
     * so 20 idle sessions ticking every 5 ms kept ~40% of a core busy (docs/design/backpressure.md).
     */
    void armTick()
    {
        if (creditTick == null && tickEnabled && !closed && tickWanted())
        {
            creditTick = ctx.executor().scheduleAtFixedRate(this::onTick, CREDIT_TICK_MS, CREDIT_TICK_MS,
                TimeUnit.MILLISECONDS);
        }
    }

    private boolean tickWanted()
    {
        return frames.hasParked() || output.owesCredit() || proxy.wantsIdleTicks();
    }

    /** @return whether the tick runs now (tests). */
    boolean ticking()
    {
        return creditTick != null;
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
        if (exit.reading() && frames.onRead(frame))
        {
            return; // it waits for room
        }
        // else processed, or read only so that closing sends no RST, which could destroy the GOODBYE in flight
        frame.release();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        frames.readComplete();
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
        frames.releaseParked();
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
        ByteBufFrames.cancelResult(out, correlationId, messageId, result);
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

    /** ERROR, then close: the stream cannot be trusted any more. */
    void fatal(final long correlationId, final ErrorCode code, final String detail)
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
        if (frames.hasParked())
        {
            frames.replayParked();
        }
        proxy.idleTick();
        output.grantOwedCredit();
        if (!tickWanted() && creditTick != null)
        {
            creditTick.cancel(false);
            creditTick = null;
        }
    }

    /**
     * Any thread (the drain): stop reading and say GOODBYE with {@code reason} and the retry hint once every
     * answer owed is written. Frames already read are still answered (a SUBMIT with NACK SHUTTING_DOWN).
     */
    public void leave(final int reason, final long retryAfterMs)
    {
        final ChannelHandlerContext c = ctx;
        if (c != null)
        {
            c.executor().execute(() -> exit.leave(reason, retryAfterMs));
        }
    }
}
