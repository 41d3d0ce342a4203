package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.PingFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state machine behind a {@link DispatchClient}: one connection at a time, its session, reconnects, timeouts
 * and the close sequence. The work of each state is done by its parts:
 *
 * <pre>
 *  caller threads ──offer──▶ RequestHandoff ──drain──▶ RequestSender ──frames──▶ engine
 *                                                      (credit, in flight)          │
 *  ConnectionSetup (connect, HELLO, TLS, backoff)                                   │
 *  ClientConductor ◀── lifecycle, HELLO_OK, CREDIT, GOODBYE, ERROR ── FrameAdapter ◀┘
 *  AnswerRouter    ◀── ACK, NACK, results, OK, PONG, RECEIPT, INBOUND ───┘
 *
 *  CONNECTING ──HELLO_OK──▶ READY ──close()──▶ CLOSING ──answers in, or deadline──▶ CLOSED
 *     ▲    │ refused, lost     │ lost                                                 ▲
 *     │    ▼                   ▼                                                      │
 *     └─ BACKOFF ◀──── reconnect on; reconnect off ──▶ FAILED ──── close() ───────────┘
 *  (close() in CONNECTING or BACKOFF goes straight to CLOSED)
 * </pre>
 *
 * <b>Threading:</b> a single owner, the connection's I/O thread (a Netty event loop), mutates all state, its
 * parts' included. Other threads only {@link #offer} requests (through the {@link RequestHandoff}), ask to close,
 * and read the volatile views ({@link #isConnected}, {@link #availableCredit}, {@link #lastGoodbye}).
 */
final class ClientConductor
{
    enum State
    {
        CONNECTING, READY, BACKOFF, CLOSING, CLOSED, FAILED
    }

    private static final Logger LOG = ErrorLog.LOG;

    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean connected;

    private final ClientConfig config;
    private final EventLoop loop;
    private final long requestTimeoutNs;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final Subscriptions subscriptions = new Subscriptions();
    private final RequestSender sender;
    private final RequestHandoff handoff;
    private final AnswerRouter answers;
    private final ConnectionSetup setup;
    private final CloseSequence close;

    private final DispatchException timeout;
    private final DispatchException connectionLost = new DispatchException(
        DispatchException.Kind.CONNECTION_LOST, ErrorCode.INTERNAL,
        "connection lost with the request in flight; outcome unknown, resubmit with the same idempotency key");
    private final DispatchException closedNotSent = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "client closed before the request was sent");
    private final DispatchException closedNoAnswer = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL,
        "client closed before the answer arrived; outcome unknown, resubmit with the same idempotency key");

    private State state = State.CONNECTING;
    private Channel channel;
    private int sessionId;
    private boolean everReady;
    /** The engine said GOODBYE: it reads no more, so hold new requests for the next connection. */
    private boolean engineLeaving;
    private ScheduledFuture<?> tickTimer;

    ClientConductor(final ClientConfig config, final EventLoop loop)
    {
        this.config = config;
        this.loop = loop;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.timeout = new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL,
            "no answer within " + config.requestTimeoutMs() + " ms (requestTimeoutMs)");
        final AtomicInteger queued = new AtomicInteger();
        this.sender = new RequestSender(config.maxBatchSize(), queued, inFlight, this::writableChannel);
        this.handoff = new RequestHandoff(config, loop, queued, sender, this::flushOutbound);
        this.answers = new AnswerRouter(inFlight, subscriptions, config.host() + ":" + config.port(),
            malformed -> onProtocolError(channel, malformed, null));
        this.setup = new ConnectionSetup(config, loop, this, answers);
        this.close = new CloseSequence(loop, config.closeTimeoutMs(), this::progressClose);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Any thread
    // ---------------------------------------------------------------------------------------------------------

    /** Starts the first connection; the future completes at the first HELLO_OK or with the reason it failed. */
    CompletableFuture<Void> start()
    {
        loop.execute(() ->
        {
            final long tickMs = Math.max(10, Math.min(100, config.requestTimeoutMs() / 4));
            tickTimer = loop.scheduleAtFixedRate(this::onTick, tickMs, tickMs, TimeUnit.MILLISECONDS);
            connectAttempt();
        });
        return firstSession;
    }

    /** Hands a request to the I/O thread, or fails it at once (closed, dead, local queue full). */
    void offer(final Request request)
    {
        handoff.offer(request);
    }

    /** Starts the close sequence (idempotent); the future completes when the client is closed. */
    CompletableFuture<Void> requestClose()
    {
        handoff.requestClose();
        try
        {
            loop.execute(this::beginClose);
        }
        catch (final RejectedExecutionException ex)
        {
            closed.complete(null);
        }
        return closed;
    }

    CompletableFuture<Void> closedFuture()
    {
        return closed;
    }

    boolean inEventLoop()
    {
        return loop.inEventLoop();
    }

    boolean isConnected()
    {
        return connected;
    }

    int availableCredit()
    {
        return sender.availableCredit();
    }

    int queuedRequests()
    {
        return handoff.queuedRequests();
    }

    EngineGoodbye lastGoodbye()
    {
        return setup.lastGoodbye();
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O thread: requests
    // ---------------------------------------------------------------------------------------------------------

    /** The sender's gate: requests go out in READY (until the engine's GOODBYE) and in CLOSING until ours. */
    private Channel writableChannel()
    {
        return (state == State.READY && !engineLeaving) || (state == State.CLOSING && !close.goodbyeStarted()) ?
            channel : null;
    }

    private void flushOutbound()
    {
        if (sender.flush() && state == State.CLOSING)
        {
            progressClose();
        }
    }

    private void onTick()
    {
        final long nowNs = System.nanoTime();
        inFlight.expire(nowNs, timeout);
        sender.expire(nowNs, timeout);
        if (state == State.CLOSING)
        {
            progressClose();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O thread: connection life cycle
    // ---------------------------------------------------------------------------------------------------------

    private void connectAttempt()
    {
        if (state != State.CONNECTING && state != State.BACKOFF)
        {
            return;
        }
        state = State.CONNECTING;
        engineLeaving = false;
        final ChannelFuture connect = setup.connect();
        channel = connect.channel();
        connect.addListener((ChannelFutureListener)this::onConnectDone);
    }

    private void onConnectDone(final ChannelFuture connect)
    {
        if (connect.isSuccess() || connect.channel() != channel)
        {
            return;
        }
        channel = null;
        if (!everReady)
        {
            failFirstSession(setup.connectFailure(connect.cause()));
            return;
        }
        LOG.debug("reconnect to {} failed (attempt {}): {}", setup.endpoint(), setup.attempts(), connect.cause().toString());
        scheduleReconnect();
    }

    boolean isCurrent(final Channel ch)
    {
        return ch == channel;
    }

    void onChannelActive(final Channel ch)
    {
        if (ch != channel)
        {
            ch.close();
            return;
        }
        setup.sendHello(ch);
    }

    /** The TLS handshake failed: the connection closes and the first connect fails with this, not a timeout. */
    void onTlsHandshakeFailed(final Channel ch, final Throwable cause)
    {
        if (ch == channel && state == State.CONNECTING)
        {
            setup.onTlsHandshakeFailed(ch, cause);
        }
    }

    void onHelloOk(final int version, final int initialCredit, final int maxFrameLength, final int sessionId)
    {
        if (state != State.CONNECTING)
        {
            onProtocolError(channel, "HELLO_OK outside the handshake", null);
            return;
        }
        if (!setup.onHelloOk(channel, version))
        {
            return;
        }
        sender.onSession(initialCredit, maxFrameLength);
        this.sessionId = sessionId;
        state = State.READY;
        connected = true;
        if (everReady)
        {
            LOG.info("reconnected to {} (session {}); restoring {} receipt subscription(s)",
                setup.endpoint(), sessionId, subscriptions.size());
            sender.restore(subscriptions, System.nanoTime() + requestTimeoutNs);
        }
        else
        {
            LOG.debug("connected to {} (session {}, credit {}, maxFrameLength {})",
                setup.endpoint(), sessionId, initialCredit, maxFrameLength);
        }
        everReady = true;
        firstSession.complete(null);
        flushOutbound();
    }

    void onChannelInactive(final Channel ch)
    {
        if (ch != channel)
        {
            return;
        }
        channel = null;
        connected = false;
        sender.onConnectionLost();
        setup.stopHandshakeTimer();
        switch (state)
        {
            case READY:
                LOG.warn("connection to {} (session {}) lost; {} request(s) in flight failed, {}", setup.endpoint(),
                    sessionId, inFlight.size(), config.reconnect() ? "reconnecting" : "reconnect is off");
                inFlight.failAll(connectionLost);
                afterLoss();
                break;
            case CONNECTING:
                if (!everReady)
                {
                    failFirstSession(setup.handshakeFailure());
                    return;
                }
                setup.logReconnectFailure();
                afterLoss();
                break;
            case CLOSING:
                finish(closedNotSent, connectionLost);
                break;
            default:
                break;
        }
    }

    void onProtocolError(final Channel ch, final String message, final Throwable cause)
    {
        if (ch == channel && ch != null)
        {
            setup.dropConnection(ch, message, cause);
        }
    }

    private void afterLoss()
    {
        if (config.reconnect())
        {
            scheduleReconnect();
        }
        else
        {
            final DispatchException terminalFailure = new DispatchException(DispatchException.Kind.CONNECTION_LOST,
                ErrorCode.INTERNAL, "connection to " + setup.endpoint() + " lost and reconnect is off");
            handoff.refuse(terminalFailure);
            sender.refuse(terminalFailure);
            state = State.FAILED;
            sender.failAll(terminalFailure);
        }
    }

    private void scheduleReconnect()
    {
        state = State.BACKOFF;
        setup.scheduleReconnect(this::connectAttempt);
    }

    private void failFirstSession(final Throwable cause)
    {
        state = State.CLOSED;
        cancel(tickTimer);
        firstSession.completeExceptionally(cause);
        closed.complete(null);
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O thread: close
    // ---------------------------------------------------------------------------------------------------------

    private void beginClose()
    {
        if (state == State.CLOSING || state == State.CLOSED)
        {
            return;
        }
        handoff.admitWaiting();
        setup.cancelReconnect();
        if (state == State.READY)
        {
            state = State.CLOSING;
            connected = false;
            close.begin();
            flushOutbound();
        }
        else
        {
            finish(closedNotSent, closedNoAnswer);
        }
    }

    /** CLOSING: send what was queued before close (as credit allows), then GOODBYE, then wait for the answers. */
    private void progressClose()
    {
        if (state == State.CLOSING && close.progress(channel, sender.isEmpty(), inFlight.size() == 0))
        {
            finish(closedNotSent, closedNoAnswer);
        }
    }

    private void finish(final DispatchException unsent, final DispatchException unanswered)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSED;
        connected = false;
        sender.onConnectionLost();
        cancel(tickTimer);
        setup.stopHandshakeTimer();
        setup.cancelReconnect();
        close.cancel();
        sender.refuse(closedNotSent);
        handoff.admitAll();
        sender.failAll(unsent);
        inFlight.failAll(unanswered);
        subscriptions.clear();
        if (channel != null)
        {
            final Channel ch = channel;
            channel = null;
            ch.close();
        }
        firstSession.completeExceptionally(unsent);
        closed.complete(null);
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O thread: connection frames from the engine (FrameAdapter; answers go to the AnswerRouter)
    // ---------------------------------------------------------------------------------------------------------

    void onReadComplete(final Channel ch)
    {
        if (ch == channel)
        {
            flushOutbound();
        }
    }

    void onCredit(final long grant)
    {
        sender.onCredit(grant);
    }

    /** ERROR: during the handshake the engine refuses the session; after it, the error is an answer. */
    void onError(final long correlationId, final ErrorCode code, final String detail)
    {
        if (state == State.CONNECTING)
        {
            setup.onHandshakeError(channel, code, detail);
            return;
        }
        answers.onError(correlationId, code, detail);
    }

    void onGoodbye(final int reason, final long retryAfterMs)
    {
        if (state == State.READY)
        {
            setup.onGoodbye(reason, retryAfterMs);
            engineLeaving = true;
            connected = false;
        }
    }

    void onPing(final long correlationId, final long payload)
    {
        final ByteBuf pong = channel.alloc().ioBuffer(PingFlyweight.FRAME_LENGTH);
        ByteBufFrames.pong(pong, correlationId, payload);
        channel.writeAndFlush(pong, channel.voidPromise());
    }

    private static void cancel(final ScheduledFuture<?> timer)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }
}
