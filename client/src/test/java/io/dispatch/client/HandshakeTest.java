package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeTest extends PeerTestBase
{
    @Test
    void shouldConnectWithCredentialsAndTakeInitialCredit() throws Exception
    {
        peer.initialCredit = 321;
        final DispatchClient client = connect(config().tenant("acme").apiKey("demo-key").clientName("unit"));

        assertThat(client.isConnected()).isTrue();
        assertThat(client.availableCredit()).isEqualTo(321);
        final ScriptedPeer.Session session = peer.awaitSession(1, 1000);
        assertThat(session.tenant).isEqualTo("acme");
        assertThat(session.presentedKey).isEqualTo("demo-key");
        assertThat(session.clientName).isEqualTo("unit");
        assertThat(peer.frames.poll().type()).isEqualTo(MessageType.HELLO);
    }

    @Test
    void shouldThrowAuthFailedWhenKeyIsWrong()
    {
        assertThatThrownBy(() -> connect(config().apiKey("wrong")))
            .isInstanceOfSatisfying(DispatchException.class, e ->
            {
                assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.ERROR);
                assertThat(e.detail()).contains("wrong key");
                assertThat(e.retriable()).isFalse();
            });
    }

    @Test
    void shouldThrowUncheckedIoExceptionWhenNothingListens() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> connect(config().port(port)))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void shouldTimeOutWhenHelloIsNotAnswered()
    {
        peer.answerHello = false;
        // connect() gives up by itself (its handshake timer, or at the latest its own bounded wait) with TIMEOUT;
        // no bound on the elapsed time: on a busy machine either may fire, and both are the promised behaviour
        assertThatThrownBy(() -> connect(config().connectTimeoutMs(300)))
            .isInstanceOfSatisfying(DispatchException.class, e ->
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.TIMEOUT));
    }

    @Test
    void shouldMeasurePingRoundTrip()
    {
        final DispatchClient client = connect(config());

        assertThat(client.ping().join()).isPositive();
    }
}
