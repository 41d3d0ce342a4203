package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSetupTest
{
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ConnectionSetup setup = new ConnectionSetup(ClientConfig.builder()
        .host("127.0.0.1").port(7700).apiKey("demo-key").connectTimeoutMs(500)
        .reconnectMinBackoffMs(20).reconnectMaxBackoffMs(5_000).build(), channel.eventLoop(), null, null);

    @AfterEach
    void releaseFrames()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldSendHelloAndFailTheAttemptWhenHelloOkIsLate()
    {
        channel.freezeTime();
        setup.sendHello(channel);
        assertThat(frameType()).isEqualTo(MessageType.HELLO);

        channel.advanceTimeBy(499, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(setup.handshakeFailure()).isInstanceOfSatisfying(DispatchException.class, e ->
        {
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.TIMEOUT);
            assertThat(e.detail()).isEqualTo("no HELLO_OK from 127.0.0.1:7700 within 500 ms");
        });
    }

    @Test
    void shouldStopWaitingOnceHelloOkArrives()
    {
        channel.freezeTime();
        setup.sendHello(channel);

        assertThat(setup.onHelloOk(channel, FrameDescriptor.VERSION_1)).isTrue();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldRefuseAVersionItDoesNotSpeak()
    {
        setup.sendHello(channel);

        assertThat(setup.onHelloOk(channel, 2)).isFalse();

        assertThat(channel.isOpen()).isFalse();
        assertThat(setup.handshakeFailure()).isInstanceOfSatisfying(DispatchException.class, e ->
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
    }

    @Test
    void shouldCloseAtOnceOnlyForRefusalsThatCannotChange()
    {
        setup.onHandshakeError(channel, ErrorCode.BACKPRESSURE, "busy");
        assertThat(channel.isOpen()).isTrue();

        setup.onHandshakeError(channel, ErrorCode.AUTH_FAILED, "wrong key");

        assertThat(channel.isOpen()).isFalse();
        assertThat(setup.handshakeFailure()).isInstanceOfSatisfying(DispatchException.class, e ->
            assertThat(e.detail()).isEqualTo("wrong key"));
    }

    @Test
    void shouldNameTheTlsStacksReasonAndKeepTheFirstOne()
    {
        setup.onTlsHandshakeFailed(channel, new DecoderException(new SSLHandshakeException("PKIX path building failed")));
        setup.onTlsHandshakeFailed(channel, new SSLHandshakeException("Received fatal alert: bad_certificate"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(setup.handshakeFailure()).isInstanceOf(UncheckedIOException.class)
            .hasMessageStartingWith("TLS handshake with 127.0.0.1:7700 failed: PKIX path building failed (check");
    }

    @Test
    void shouldNameTheEndpointWhenTheConnectFailsOrTheEngineClosesWithoutAReason()
    {
        assertThat(setup.connectFailure(new ConnectException("Connection refused")))
            .isInstanceOf(UncheckedIOException.class).hasMessage("cannot connect to 127.0.0.1:7700: Connection refused");
        assertThat(setup.handshakeFailure()).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("connection to 127.0.0.1:7700 closed before HELLO_OK");
    }

    @Test
    void shouldReconnectNoSoonerThanTheEnginesRetryHint()
    {
        channel.freezeTime();
        final AtomicInteger attempts = new AtomicInteger();
        setup.onGoodbye(ErrorCode.SHUTTING_DOWN.code(), 1_500);

        setup.scheduleReconnect(attempts::incrementAndGet);
        channel.advanceTimeBy(1_499, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(attempts.get()).isZero();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(attempts.get()).isEqualTo(1);

        // the hint is for one reconnect only: the next waits the backoff (at most 40 ms at attempt two)
        setup.scheduleReconnect(attempts::incrementAndGet);
        channel.advanceTimeBy(40, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(setup.lastGoodbye().reason()).isEqualTo(ErrorCode.SHUTTING_DOWN);
        assertThat(setup.lastGoodbye().retryAfterMs()).isEqualTo(1_500);
    }

    @Test
    void shouldNotReconnectOnceCancelled()
    {
        channel.freezeTime();
        final AtomicInteger attempts = new AtomicInteger();

        setup.scheduleReconnect(attempts::incrementAndGet);
        setup.cancelReconnect();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(attempts.get()).isZero();
    }

    private byte frameType()
    {
        final ByteBuf frame = channel.readOutbound();
        try
        {
            return frame.getByte(frame.readerIndex() + FrameDescriptor.TYPE_OFFSET);
        }
        finally
        {
            frame.release();
        }
    }
}
