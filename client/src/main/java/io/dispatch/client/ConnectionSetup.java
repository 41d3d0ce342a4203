package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import java.util.concurrent.TimeUnit;

/**
 * Getting a session, one attempt at a time: the TCP connect (with TLS when configured), HELLO, the wait for
 * HELLO_OK under {@link ClientConfig#connectTimeoutMs()}, what made an attempt fail (TLS, the engine's refusal, no
 * answer), and the backoff before the next attempt (never shorter than the retry hint of the engine's last
 * GOODBYE). The {@link ClientConductor} decides when to attempt and what a failure means: the first connect fails,
 * a later one is retried.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the connection's I/O thread, except {@link #lastGoodbye()} (a volatile
 * view for any thread).
 */
final class ConnectionSetup
{
    private static final Logger LOG = ErrorLog.LOG;

    private final ClientConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final String endpoint;
    /** The channel that sent HELLO and waits for HELLO_OK, or null. */
    private Channel awaitingHelloOk;
    private DispatchException handshakeFailure;
    /** Why the TLS handshake of the current attempt failed, or null. */
    private SSLException tlsFailure;
    /** The retry hint of the engine's last GOODBYE, for the next reconnect only. */
    private long goodbyeRetryAfterMs;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> reconnectTimer;
    private volatile EngineGoodbye lastGoodbye;

    ConnectionSetup(
        final ClientConfig config, final EventLoop loop, final ClientConductor conductor, final AnswerRouter answers)
    {
        this.config = config;
        this.loop = loop;
        this.endpoint = config.host() + ":" + config.port();
        this.backoff = new Backoff(config.reconnectMinBackoffMs(), config.reconnectMaxBackoffMs());
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
                    ch.pipeline().addLast(new FrameDecoder(config.maxFrameLength()), new FrameAdapter(conductor, answers));
                }
            });
    }

    String endpoint()
    {
        return endpoint;
    }

    /** Starts an attempt; the failures of the previous one are forgotten. */
    ChannelFuture connect()
    {
        handshakeFailure = null;
        tlsFailure = null;
        return bootstrap.connect();
    }

    /** The connection of the current attempt is up: sends HELLO and starts the wait for HELLO_OK. */
    void sendHello(final Channel ch)
    {
        final ByteBuf hello = ch.alloc().ioBuffer(64);
        ByteBufFrames.hello(hello, 0L, config.tenant(), config.apiKey(), config.clientName());
        ch.writeAndFlush(hello, ch.voidPromise());
        awaitingHelloOk = ch;
        handshakeTimer = loop.schedule(() -> onHandshakeTimeout(ch), config.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void onHandshakeTimeout(final Channel ch)
    {
        if (ch == awaitingHelloOk)
        {
            handshakeFailure = new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL,
                "no HELLO_OK from " + endpoint + " within " + config.connectTimeoutMs() + " ms", true);
            ch.close();
        }
    }

    /**
     * HELLO_OK arrived on the current attempt's channel.
     *
     * @return true when the session is on; false when the engine chose a version this client does not speak (the
     * connection closes and the attempt fails with UNSUPPORTED_VERSION).
     */
    boolean onHelloOk(final Channel ch, final int version)
    {
        if (version != FrameDescriptor.VERSION_1)
        {
            handshakeFailure = new DispatchException(DispatchException.Kind.ERROR, ErrorCode.UNSUPPORTED_VERSION,
                "engine chose protocol version " + version + ", this client speaks 1", true);
            ch.close();
            return false;
        }
        stopHandshakeTimer();
        backoff.reset();
        return true;
    }

    /** An ERROR during the handshake: the attempt's failure; AUTH_FAILED and UNSUPPORTED_VERSION end it now. */
    void onHandshakeError(final Channel ch, final ErrorCode code, final String detail)
    {
        handshakeFailure = new DispatchException(DispatchException.Kind.ERROR, code, detail, true);
        if (code == ErrorCode.AUTH_FAILED || code == ErrorCode.UNSUPPORTED_VERSION)
        {
            ch.close();
        }
    }

    /** The TLS handshake failed: the connection closes and the attempt fails with this, not a timeout. */
    void onTlsHandshakeFailed(final Channel ch, final Throwable cause)
    {
        if (tlsFailure != null)
        {
            return;
        }
        // the TLS stack's own exception says most ("PKIX path building failed", "Received fatal alert: ...")
        Throwable reason = cause;
        while (!(reason instanceof SSLException) && reason.getCause() != null && reason.getCause() != reason)
        {
            reason = reason.getCause();
        }
        tlsFailure = new SSLException("TLS handshake with " + endpoint + " failed: " +
            (reason.getMessage() != null ? reason.getMessage() : reason.getClass().getSimpleName()) +
            " (check that the engine's port has TLS on, that the CA file signs its certificate and, under mutual TLS," +
            " the client certificate)", cause);
        ch.close();
    }

    /** The attempt's connection closed: no more waiting for HELLO_OK. */
    void stopHandshakeTimer()
    {
        awaitingHelloOk = null;
        cancel(handshakeTimer);
        handshakeTimer = null;
    }

    /** Why the first connect failed, for the caller of {@code connect()}: a connect failure names the endpoint. */
    Throwable connectFailure(final Throwable cause)
    {
        return cause instanceof IOException ? new UncheckedIOException(
            "cannot connect to " + endpoint + ": " + cause.getMessage(), (IOException)cause) : cause;
    }

    /** Why the first connect's connection closed before HELLO_OK: TLS, the engine's refusal, or no reason given. */
    Throwable handshakeFailure()
    {
        return tlsFailure != null ? new UncheckedIOException(tlsFailure.getMessage(), tlsFailure) :
            handshakeFailure != null ? handshakeFailure : new UncheckedIOException(
            new IOException("connection to " + endpoint + " closed before HELLO_OK"));
    }

    /** A reconnect closed before HELLO_OK: the reason, logged once per kind (the next attempt follows). */
    void logReconnectFailure()
    {
        if (tlsFailure != null)
        {
            ErrorLog.warnOnce("reconnect-tls", "reconnect to " + endpoint + ": " + tlsFailure.getMessage(), null);
        }
        else if (handshakeFailure != null)
        {
            ErrorLog.warnOnce("reconnect-refused-" + handshakeFailure.code(),
                "reconnect to " + endpoint + " refused: " + handshakeFailure.getMessage(), null);
        }
    }

    /** The engine said GOODBYE during a session: recorded, and the next reconnect waits for its hint (capped). */
    void onGoodbye(final int reason, final long retryAfterMs)
    {
        final ErrorCode code = reason == 0 ? null : ErrorCode.of(reason);
        LOG.info("engine {} said GOODBYE (reason {}{}, retry after {} ms); holding new requests for the next connection",
            endpoint, reason, code == null ? "" : " " + code, retryAfterMs);
        lastGoodbye = new EngineGoodbye(code, reason, retryAfterMs, System.currentTimeMillis());
        goodbyeRetryAfterMs = retryAfterMs;
    }

    /** Any thread. */
    EngineGoodbye lastGoodbye()
    {
        return lastGoodbye;
    }

    /** The engine broke the protocol, or the connection failed: closes it, logging each distinct reason once. */
    void dropConnection(final Channel ch, final String message, final Throwable cause)
    {
        if (cause instanceof IOException)
        {
            LOG.debug("{}: {}", endpoint, message);
        }
        else
        {
            ErrorLog.warnOnce("protocol-" + message, "closing the connection to " + endpoint + ": " + message, cause);
        }
        ch.close();
    }

    int attempts()
    {
        return backoff.attempts();
    }

    /** Runs {@code attempt} after the backoff delay, or after the engine's retry hint when that is longer. */
    void scheduleReconnect(final Runnable attempt)
    {
        long delayMs = backoff.nextDelayMs();
        if (goodbyeRetryAfterMs > 0)
        {
            // the engine is restarting: connecting at once would only be refused
            delayMs = Math.max(delayMs, Math.min(goodbyeRetryAfterMs, config.reconnectMaxBackoffMs()));
            goodbyeRetryAfterMs = 0;
        }
        reconnectTimer = loop.schedule(attempt, delayMs, TimeUnit.MILLISECONDS);
    }

    void cancelReconnect()
    {
        cancel(reconnectTimer);
        reconnectTimer = null;
    }

    private static void cancel(final ScheduledFuture<?> timer)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }
}
