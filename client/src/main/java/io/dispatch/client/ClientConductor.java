package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state machine behind a {@link DispatchClient}: one connection at a time, its session, credit, requests
 * waiting and in flight, receipt subscriptions, reconnects, timeouts and the close sequence.
 *
 * <pre>
 *  CONNECTING ──HELLO_OK──▶ READY ──close()──▶ CLOSING ──answers in, or deadline──▶ CLOSED
 *     ▲    │ refused, lost     │ lost                                                 ▲
 *     │    ▼                   ▼                                                      │
 *     └─ BACKOFF ◀──── reconnect on; reconnect off ──▶ FAILED ──── close() ───────────┘
 *  (close() in CONNECTING or BACKOFF goes straight to CLOSED)
 * </pre>
 *
 * <b>Threading:</b> a single owner, the connection's I/O thread (a Netty event loop), mutates all state.
 * Other threads only {@link #offer} requests (an MPSC hand-off plus one drain task per batch of offers, not one
 * task per request) and read the volatile views ({@link #isConnected}, {@link #availableCredit}).
 */
final class ClientConductor
{
    enum State
    {
        CONNECTING, READY, BACKOFF, CLOSING, CLOSED, FAILED
    }

    private static final Logger LOG = ErrorLog.LOG;
    /** Most requests admitted per drain task before the I/O thread gets to reads again. */
    private static final int DRAIN_LIMIT = 16_384;

    private final RequestQueue handoff = new RequestQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean closeRequested;
    private volatile DispatchException terminalFailure;
    private volatile boolean connected;
    private volatile int creditView;

    private final ClientConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long requestTimeoutNs;
    private final Runnable drainTask = this::drain;
    private final OutboundQueue outbound;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final Subscriptions subscriptions = new Subscriptions();
    private final Backoff backoff;

    private final DispatchException queueFull;
    private final DispatchException timeout;
    private final DispatchException connectionLost = new DispatchException(
        DispatchException.Kind.CONNECTION_LOST, ErrorCode.INTERNAL,
        "connection lost with the request in flight; outcome unknown, resubmit with the same idempotency key");
    private final DispatchException closedBeforeOffer = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "client is closed");
    private final DispatchException closedWhileOffering = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL,
        "client closed while the request was offered; it may have been sent, resubmit with the same idempotency key");
    private final DispatchException closedNotSent = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "client closed before the request was sent");
    private final DispatchException closedNoAnswer = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL,
        "client closed before the answer arrived; outcome unknown, resubmit with the same idempotency key");

    private State state = State.CONNECTING;
    private Channel channel;
    private int credit;
    private int peerMaxFrameLength = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    private int sessionId;
    private boolean everReady;
    private DispatchException handshakeFailure;
    /** Why the TLS handshake of the current connection failed, or null. */
    private SSLException tlsFailure;
    /** The engine said GOODBYE: it reads no more, so hold new requests for the next connection. */
    private boolean engineLeaving;
    /** The retry hint of the engine's last GOODBYE, for the next reconnect only. */
    private long goodbyeRetryAfterMs;
    private volatile EngineGoodbye lastGoodbye;
    private boolean flushing;
    private boolean flushAgain;
    private ScheduledFuture<?> tickTimer;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> closeTimer;
    private ChannelFuture goodbyeWrite;
    private long closeDeadlineNs;

    ClientConductor(final ClientConfig config, final EventLoop loop)
    {
        this.config = config;
        this.loop = loop;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.outbound = new OutboundQueue(config.maxBatchSize(), queued);
        this.backoff = new Backoff(config.reconnectMinBackoffMs(), config.reconnectMaxBackoffMs());
        this.queueFull = new DispatchException(DispatchException.Kind.LOCAL, ErrorCode.BACKPRESSURE,
            "more than " + config.maxQueuedRequests() + " requests waiting for credit (maxQueuedRequests)");
        this.timeout = new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL,
            "no answer within " + config.requestTimeoutMs() + " ms (requestTimeoutMs)");
        this.bootstrap = new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, config.connectTimeoutMs()))
            .remoteAddress(config.host(), config.port())
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (config.sslContext() != null)
                    {
                        // host and port give SNI and the server name check; HELLO waits for the handshake
                        ch.pipeline().addLast(config.sslContext().newHandler(ch.alloc(), config.host(), config.port()));
                    }
                    ch.pipeline().addLast(
                        new FrameDecoder(config.maxFrameLength()), new FrameAdapter(ClientConductor.this));
                }
            });
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
        if (closeRequested)
        {
            request.fail(closedBeforeOffer);
            return;
        }
        final DispatchException dead = terminalFailure;
        if (dead != null)
        {
            request.fail(dead);
            return;
        }
        if (request.costsCredit() && queued.incrementAndGet() > config.maxQueuedRequests())
        {
            queued.decrementAndGet();
            request.fail(queueFull);
            return;
        }
        handoff.offer(request);
        // Close may have drained the hand-off already: the CAS in fail() makes whichever side comes last a no-op.
        if (!wake() || closeRequested)
        {
            request.fail(closedWhileOffering);
        }
    }

    /** Starts the close sequence (idempotent); the future completes when the client is closed. */
    CompletableFuture<Void> requestClose()
    {
        closeRequested = true;
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
        return creditView;
    }

    int queuedRequests()
    {
        return Math.max(0, queued.get());
    }

    private boolean wake()
    {
        if (drainScheduled.get() || !drainScheduled.compareAndSet(false, true))
        {
            return true;
        }
        try
        {
            loop.execute(drainTask);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O thread: requests
    // ---------------------------------------------------------------------------------------------------------

    private void drain()
    {
        drainScheduled.set(false);
        final long deadlineNs = System.nanoTime() + requestTimeoutNs;
        Request request;
        int count = 0;
        while (count++ < DRAIN_LIMIT && (request = handoff.poll()) != null)
        {
            admit(request, deadlineNs);
        }
        if (!handoff.isEmpty())
        {
            wake();
        }
        flushOutbound();
    }

    private void admit(final Request request, final long deadlineNs)
    {
        if (request.isFinished() || state == State.CLOSED || state == State.FAILED)
        {
            if (request.costsCredit())
            {
                queued.decrementAndGet();
            }
            request.fail(state == State.FAILED ? terminalFailure : closedNotSent);
            return;
        }
        request.deadlineNs = deadlineNs;
        outbound.add(request);
    }

    private void flushOutbound()
    {
        // Netty fires channelWritabilityChanged from inside our own write/flush; writing again from there would
        // spend credit the running pass has used but not yet subtracted. Defer it to another pass instead.
        if (flushing)
        {
            flushAgain = true;
            return;
        }
        flushing = true;
        try
        {
            do
            {
                flushAgain = false;
                if (channel != null &&
                    ((state == State.READY && !engineLeaving) || (state == State.CLOSING && goodbyeWrite == null)))
                {
                    final int used = outbound.write(channel, credit, peerMaxFrameLength, inFlight);
                    if (used > 0)
                    {
                        credit -= used;
                        creditView = credit;
                    }
                }
            }
            while (flushAgain);
        }
        finally
        {
            flushing = false;
        }
        if (state == State.CLOSING)
        {
            progressClose();
        }
    }

    private void onTick()
    {
        final long nowNs = System.nanoTime();
        inFlight.expire(nowNs, timeout);
        outbound.expire(nowNs, timeout);
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
        reconnectTimer = null;
        if (state != State.CONNECTING && state != State.BACKOFF)
        {
            return;
        }
        state = State.CONNECTING;
        handshakeFailure = null;
        tlsFailure = null;
        engineLeaving = false;
        final ChannelFuture connect = bootstrap.connect();
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
        final Throwable cause = connect.cause();
        if (!everReady)
        {
            failFirstSession(cause instanceof IOException ? new UncheckedIOException(
                "cannot connect to " + endpoint() + ": " + cause.getMessage(), (IOException)cause) : cause);
            return;
        }
        LOG.debug("reconnect to {} failed (attempt {}): {}", endpoint(), backoff.attempts(), cause.toString());
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
        final ByteBuf hello = ch.alloc().ioBuffer(64);
        ByteBufFrames.hello(hello, 0L, config.tenant(), config.apiKey(), config.clientName());
        ch.writeAndFlush(hello, ch.voidPromise());
        handshakeTimer = loop.schedule(() -> onHandshakeTimeout(ch), config.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void onHandshakeTimeout(final Channel ch)
    {
        if (ch == channel && state == State.CONNECTING)
        {
            handshakeFailure = new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL,
                "no HELLO_OK from " + endpoint() + " within " + config.connectTimeoutMs() + " ms", true);
            ch.close();
        }
    }

    /** The TLS handshake failed: the connection closes and the first connect fails with this, not a timeout. */
    void onTlsHandshakeFailed(final Channel ch, final Throwable cause)
    {
        if (ch != channel || state != State.CONNECTING || tlsFailure != null)
        {
            return;
        }
        // the TLS stack's own exception says most ("PKIX path building failed", "Received fatal alert: ...")
        Throwable reason = cause;
        while (!(reason instanceof SSLException) && reason.getCause() != null && reason.getCause() != reason)
        {
            reason = reason.getCause();
        }
        tlsFailure = new SSLException("TLS handshake with " + endpoint() + " failed: " +
            (reason.getMessage() != null ? reason.getMessage() : reason.getClass().getSimpleName()) +
            " (check that the engine's port has TLS on, that the CA file signs its certificate and, under mutual TLS," +
            " the client certificate)", cause);
        ch.close();
    }

    void onHelloOk(final int version, final int initialCredit, final int maxFrameLength, final int sessionId)
    {
        if (state != State.CONNECTING)
        {
            onProtocolError(channel, "HELLO_OK outside the handshake", null);
            return;
        }
        if (version != FrameDescriptor.VERSION_1)
        {
            handshakeFailure = new DispatchException(DispatchException.Kind.ERROR, ErrorCode.UNSUPPORTED_VERSION,
                "engine chose protocol version " + version + ", this client speaks 1", true);
            channel.close();
            return;
        }
        cancel(handshakeTimer);
        handshakeTimer = null;
        // u32 fields: a value above Integer.MAX_VALUE reads negative and means "no practical limit".
        credit = initialCredit < 0 ? Integer.MAX_VALUE : initialCredit;
        creditView = credit;
        peerMaxFrameLength = maxFrameLength < 0 ? Integer.MAX_VALUE :
            Math.max(FrameDescriptor.HEADER_LENGTH, maxFrameLength);
        this.sessionId = sessionId;
        state = State.READY;
        connected = true;
        backoff.reset();
        if (everReady)
        {
            LOG.info("reconnected to {} (session {}); restoring {} receipt subscription(s)",
                endpoint(), sessionId, subscriptions.size());
            subscriptions.restore(outbound, System.nanoTime() + requestTimeoutNs);
        }
        else
        {
            LOG.debug("connected to {} (session {}, credit {}, maxFrameLength {})",
                endpoint(), sessionId, initialCredit, maxFrameLength);
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
        credit = 0;
        creditView = 0;
        cancel(handshakeTimer);
        handshakeTimer = null;
        switch (state)
        {
            case READY:
                LOG.warn("connection to {} (session {}) lost; {} request(s) in flight failed, {}", endpoint(),
                    sessionId, inFlight.size(), config.reconnect() ? "reconnecting" : "reconnect is off");
                inFlight.failAll(connectionLost);
                afterLoss();
                break;
            case CONNECTING:
                if (!everReady)
                {
                    failFirstSession(tlsFailure != null ?
                        new UncheckedIOException(tlsFailure.getMessage(), tlsFailure) :
                        handshakeFailure != null ? handshakeFailure : new UncheckedIOException(
                        new IOException("connection to " + endpoint() + " closed before HELLO_OK")));
                    return;
                }
                if (tlsFailure != null)
                {
                    ErrorLog.warnOnce(
                        "reconnect-tls", "reconnect to " + endpoint() + ": " + tlsFailure.getMessage(), null);
                }
                else if (handshakeFailure != null)
                {
                    ErrorLog.warnOnce("reconnect-refused-" + handshakeFailure.code(),
                        "reconnect to " + endpoint() + " refused: " + handshakeFailure.getMessage(), null);
                }
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
        if (ch != channel || ch == null)
        {
            return;
        }
        if (cause instanceof IOException)
        {
            LOG.debug("{}: {}", endpoint(), message);
        }
        else
        {
            ErrorLog.warnOnce("protocol-" + message, "closing the connection to " + endpoint() + ": " + message, cause);
        }
        ch.close();
    }

    private void afterLoss()
    {
        if (config.reconnect())
        {
            scheduleReconnect();
        }
        else
        {
            terminalFailure = new DispatchException(DispatchException.Kind.CONNECTION_LOST, ErrorCode.INTERNAL,
                "connection to " + endpoint() + " lost and reconnect is off");
            state = State.FAILED;
            outbound.failAll(terminalFailure);
        }
    }

    private void scheduleReconnect()
    {
        state = State.BACKOFF;
        long delayMs = backoff.nextDelayMs();
        if (goodbyeRetryAfterMs > 0)
        {
            // the engine is restarting: connecting at once would only be refused
            delayMs = Math.max(delayMs, Math.min(goodbyeRetryAfterMs, config.reconnectMaxBackoffMs()));
            goodbyeRetryAfterMs = 0;
        }
        reconnectTimer = loop.schedule(this::connectAttempt, delayMs, TimeUnit.MILLISECONDS);
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
        Request request;
        while ((request = handoff.poll()) != null)
        {
            admit(request, System.nanoTime() + requestTimeoutNs);
        }
        cancel(reconnectTimer);
        if (state == State.READY)
        {
            state = State.CLOSING;
            connected = false;
            closeDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMs());
            closeTimer = loop.schedule(this::progressClose, config.closeTimeoutMs(), TimeUnit.MILLISECONDS);
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
        if (state != State.CLOSING)
        {
            return;
        }
        if (System.nanoTime() - closeDeadlineNs >= 0 || channel == null)
        {
            finish(closedNotSent, closedNoAnswer);
            return;
        }
        if (goodbyeWrite == null)
        {
            if (!outbound.isEmpty())
            {
                return;
            }
            final ByteBuf goodbye = channel.alloc().ioBuffer(FrameDescriptor.HEADER_LENGTH + 2);
            ByteBufFrames.goodbye(goodbye, 0L, 0);
            goodbyeWrite = channel.writeAndFlush(goodbye);
            goodbyeWrite.addListener(f -> progressClose());
        }
        if (goodbyeWrite.isDone() && inFlight.size() == 0)
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
        creditView = 0;
        cancel(tickTimer);
        cancel(handshakeTimer);
        cancel(reconnectTimer);
        cancel(closeTimer);
        while (!handoff.isEmpty())
        {
            final Request request = handoff.poll();
            if (request == null)
            {
                // A producer is between its swap and its link: it completes in a few instructions.
                Thread.onSpinWait();
                continue;
            }
            admit(request, 0L);
        }
        outbound.failAll(unsent);
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
    // I/O thread: frames from the engine (FrameAdapter)
    // ---------------------------------------------------------------------------------------------------------

    void onReadComplete(final Channel ch)
    {
        if (ch == channel)
        {
            flushOutbound();
        }
    }

    void onAck(final long correlationId, final long messageId, final boolean duplicate)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof SubmitRequest)
        {
            ((SubmitRequest)request).ack(messageId, duplicate);
        }
        else
        {
            unexpectedAnswer("ACK", correlationId, request);
        }
    }

    void onNack(final long correlationId, final ErrorCode code, final String detail)
    {
        final Request request = inFlight.remove(correlationId);
        if (request == null)
        {
            unexpectedAnswer("NACK", correlationId, null);
            return;
        }
        request.nack(code, detail);
    }

    void onCredit(final long grant)
    {
        credit = (int)Math.min(Integer.MAX_VALUE, credit + grant);
        creditView = credit;
    }

    void onStatusResult(
        final long correlationId,
        final long messageId,
        final int stateCode,
        final int attempts,
        final int reasonCode,
        final long updatedAtEpochMs,
        final int channelCode,
        final int kindCode)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof StatusRequest)
        {
            ((StatusRequest)request).complete(new StatusResult(messageId, DeliveryState.of(stateCode), attempts,
                Reason.of(reasonCode), updatedAtEpochMs, ChannelType.of(channelCode), MessageKind.of(kindCode)));
        }
        else
        {
            unexpectedAnswer("STATUS_RESULT", correlationId, request);
        }
    }

    void onExplainResult(
        final long correlationId, final int decision, final int channel, final boolean priority, final int reason,
        final long at, final int fallbackChannel, final int fallbackDecision, final int fallbackReason,
        final String fallbackAddress, final int windowState, final int windowTag, final long windowLastMs)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof ExplainRequest)
        {
            final Decision d = Decision.of(decision);
            final boolean fallback = fallbackChannel != 0;
            ((ExplainRequest)request).complete(new Explanation(d, ChannelType.of(channel), priority, Reason.of(reason),
                d == Decision.DEFER ? at : 0, d == Decision.DUPLICATE ? at : -1,
                fallback ? ChannelType.of(fallbackChannel) : null, fallback ? Decision.of(fallbackDecision) : null,
                fallback ? Reason.of(fallbackReason) : Reason.NONE, fallback ? fallbackAddress : null,
                Explanation.ConversationWindow.of(windowState, windowTag, windowLastMs)));
        }
        else
        {
            unexpectedAnswer("EXPLAIN_RESULT", correlationId, request);
        }
    }

    void onCancelResult(final long correlationId, final long messageId, final int result)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof CancelRequest)
        {
            ((CancelRequest)request).complete(new CancelResult(messageId, result == Frames.CANCEL_DONE));
        }
        else
        {
            unexpectedAnswer("CANCEL_RESULT", correlationId, request);
        }
    }

    /** An answer with a body of its own type ({@link AnswerRequest}): the request decodes it. */
    void onAnswer(final long correlationId, final byte type, final ByteBuf frame, final int body, final int bodyLength)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof AnswerRequest && ((AnswerRequest<?>)request).answerType() == type)
        {
            final String malformed = ((AnswerRequest<?>)request).answer(frame, body, bodyLength);
            if (malformed != null)
            {
                onProtocolError(channel, malformed, null);
            }
        }
        else
        {
            unexpectedAnswer(MessageType.name(type), correlationId, request);
        }
    }

    void onOk(final long correlationId)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof ConsentRequest)
        {
            ((ConsentRequest)request).complete(null);
            return;
        }
        if (request instanceof SubscribeRequest)
        {
            final SubscribeRequest subscribe = (SubscribeRequest)request;
            if (subscribe.ok())
            {
                if (subscribe.isRestore())
                {
                    subscriptions.confirmRestore(subscribe);
                }
                else
                {
                    subscriptions.add(subscribe);
                }
            }
        }
        else
        {
            unexpectedAnswer("OK", correlationId, request);
        }
    }

    void onReceipt(
        final long messageId, final int stateCode, final int attempts, final int reasonCode, final long atMs, final int channel,
        final long position)
    {
        subscriptions.onReceipt(messageId, DeliveryState.of(stateCode), attempts, Reason.of(reasonCode), atMs,
            ChannelType.of(channel), position);
    }

    void onInbound(final InboundMessage message)
    {
        subscriptions.onInbound(message);
    }

    void onReceiptsDropped(final int count)
    {
        subscriptions.onReceiptsDropped(count);
    }

    void onPing(final long correlationId, final long payload)
    {
        final ByteBuf pong = channel.alloc().ioBuffer(FrameDescriptor.HEADER_LENGTH + 8);
        ByteBufFrames.pong(pong, correlationId, payload);
        channel.writeAndFlush(pong, channel.voidPromise());
    }

    void onPong(final long correlationId, final long payload)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof PingRequest)
        {
            ((PingRequest)request).complete(System.nanoTime() - payload);
        }
        else
        {
            unexpectedAnswer("PONG", correlationId, request);
        }
    }

    void onError(final long correlationId, final ErrorCode code, final String detail)
    {
        if (state == State.CONNECTING)
        {
            handshakeFailure = new DispatchException(DispatchException.Kind.ERROR, code, detail, true);
            if (code == ErrorCode.AUTH_FAILED || code == ErrorCode.UNSUPPORTED_VERSION)
            {
                channel.close();
            }
            return;
        }
        final Request request = correlationId != 0 ? inFlight.remove(correlationId) : null;
        ErrorLog.warnOnce("error-" + code, "engine " + endpoint() + " sent ERROR " + code + " (" + code.code() +
            "): " + detail + (request != null ? " about request " + correlationId : ""), null);
        if (request != null)
        {
            request.fail(new DispatchException(DispatchException.Kind.ERROR, code, detail));
        }
    }

    void onGoodbye(final int reason, final long retryAfterMs)
    {
        if (state == State.READY)
        {
            final ErrorCode code = reason == 0 ? null : ErrorCode.of(reason);
            LOG.info("engine {} said GOODBYE (reason {}{}, retry after {} ms); holding new requests for the next connection",
                endpoint(), reason, code == null ? "" : " " + code, retryAfterMs);
            lastGoodbye = new EngineGoodbye(code, reason, retryAfterMs, System.currentTimeMillis());
            goodbyeRetryAfterMs = retryAfterMs;
            engineLeaving = true;
            connected = false;
        }
    }

    EngineGoodbye lastGoodbye()
    {
        return lastGoodbye;
    }

    private void unexpectedAnswer(final String type, final long correlationId, final Request request)
    {
        if (request == null)
        {
            // Normal after a timeout: the answer came late.
            LOG.debug("{} for unknown or expired correlation id {}", type, correlationId);
            return;
        }
        final String message = type + " does not answer a " + request.getClass().getSimpleName();
        request.fail(new DispatchException(DispatchException.Kind.ERROR, ErrorCode.INTERNAL, message));
        ErrorLog.warnOnce("unexpected-" + type, "protocol violation by " + endpoint() + ": " + message, null);
    }

    private String endpoint()
    {
        return config.host() + ":" + config.port();
    }

    private static void cancel(final ScheduledFuture<?> timer)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }
}
