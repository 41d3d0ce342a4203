package io.dispatch.connector.fcm;

import io.dispatch.connector.Connector;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.LoopGroups;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.RecordingCallback;
import io.dispatch.testing.Requests;
import io.dispatch.testing.TestTls;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.dispatch.connector.fcm.FcmConnectorTest.token;
import static io.dispatch.testing.RecordingCallback.ACCEPTED;
import static io.dispatch.testing.RecordingCallback.failed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code fcm} connector's HTTP/2 connections against {@link FcmTestPeer} on loopback: the server's
 * stream limit, request timeouts, lost connections, GOAWAY, an unreachable endpoint and a server that
 * does not speak h2. Each test starts its own connector, so connection counts are its own.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FcmConnectionTest
{
    static final long ANSWER_MS = 10_000;

    Path dir;
    FcmTestPeer peer;
    final RecordingCallback callback = new RecordingCallback();
    final AtomicLong ids = new AtomicLong(9000);

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        this.dir = dir;
        peer = new FcmTestPeer(dir);
        peer.scripted.put(token("stall"), FcmTestPeer.STALL);
        peer.scripted.put(token("drop"), FcmTestPeer.DROP);
        peer.scripted.put(token("goaway"), FcmTestPeer.GOAWAY);
    }

    @AfterAll
    void stop() throws Exception
    {
        if (peer != null)
        {
            peer.close();
        }
    }

    private Connector connector(final Map<String, String> settings) throws Exception
    {
        final Connector c = new FcmConnectorFactory().create(settings);
        c.start(callback);
        return c;
    }

    private Map<String, String> settings(final String... keyValues)
    {
        final Map<String, String> s = new HashMap<>(peer.connectorSettings());
        for (int i = 0; i < keyValues.length; i += 2)
        {
            s.put(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }

    private long send(final Connector c, final String device)
    {
        final long id = ids.incrementAndGet();
        c.send(Requests.push(id, MessageKind.INFORMATIONAL, "fcm:" + token(device), "hi"), callback);
        return id;
    }

    @Test
    void shouldKeepToTheServersConcurrentStreamLimit(@TempDir final Path own) throws Exception
    {
        try (FcmTestPeer limited = new FcmTestPeer(own, 3))
        {
            final Map<String, String> s = new HashMap<>(limited.connectorSettings());
            s.put("connections", "1");
            s.put("maxInFlight", "100");
            final Connector c = connector(s);
            try
            {
                assertThat(callback.await(sendTo(c, "first"), ANSWER_MS)).as("connected, SETTINGS read").isEqualTo(ACCEPTED);
                limited.holdAnswers(true);
                final long[] sent = new long[10];
                for (int i = 0; i < sent.length; i++)
                {
                    sent[i] = sendTo(c, "limit-" + i);
                }
                for (int i = 3; i < sent.length; i++)
                {
                    assertThat(callback.await(sent[i], ANSWER_MS)).as("send %d", i).isEqualTo(failed(Reason.PROVIDER_THROTTLED, 0));
                }
                awaitOpenStreams(limited, 3);
                limited.holdAnswers(false);
                for (int i = 0; i < 3; i++)
                {
                    assertThat(callback.await(sent[i], ANSWER_MS)).isEqualTo(ACCEPTED);
                }
                assertThat(limited.peakOpenStreams.get()).as("streams open at once at the server").isEqualTo(3);
            }
            finally
            {
                limited.holdAnswers(false);
                c.stop();
            }
        }
    }

    private long sendTo(final Connector c, final String device)
    {
        return send(c, device);
    }

    /**
     * One accepted send, so the connection is up and the access token granted: on a loaded machine the
     * first attempt can outlast a short request timeout while the peer signs and handshakes.
     */
    private void warmUp(final Connector c) throws InterruptedException
    {
        RecordingCallback.Outcome outcome = null;
        for (int attempt = 0; attempt < 10 && !ACCEPTED.equals(outcome); attempt++)
        {
            outcome = callback.await(send(c, "warm-up"), ANSWER_MS);
        }
        assertThat(outcome).isEqualTo(ACCEPTED);
    }

    private static void awaitOpenStreams(final FcmTestPeer p, final int n) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + ANSWER_MS;
        while (p.openStreams.get() < n && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(2);
        }
        assertThat(p.openStreams.get()).isEqualTo(n);
    }

    @Test
    void shouldTimeOutARequestWithoutAnAnswerAndKeepTheConnection() throws Exception
    {
        final Connector c = connector(settings("requestTimeoutMs", "1000", "connections", "1"));
        try
        {
            warmUp(c);
            final int connections = peer.connections.get();
            final long stalled = send(c, "stall");
            assertThat(callback.await(stalled, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_TIMEOUT, 0));
            assertThat(callback.await(send(c, "after-stall"), ANSWER_MS)).isEqualTo(ACCEPTED);
            assertThat(peer.connections.get()).as("a reset stream keeps its connection").isEqualTo(connections);
            assertThat(callback.callbacks.get(stalled).get()).isEqualTo(1);
        }
        finally
        {
            c.stop();
        }
    }

    @Test
    void shouldFailWhatWasInFlightOnALostConnectionThenReconnect() throws Exception
    {
        assertNextSendGoesToANewConnection("drop", failed(Reason.PROVIDER_UNAVAILABLE, 0));
    }

    @Test
    void shouldMoveToANewConnectionAfterGoaway() throws Exception
    {
        assertNextSendGoesToANewConnection("goaway", ACCEPTED); // answered before the GOAWAY
    }

    /** Sends to a device whose scripted trouble ends the connection, then checks the next send opens a new one. */
    private void assertNextSendGoesToANewConnection(final String trouble, final RecordingCallback.Outcome expected)
        throws Exception
    {
        final Connector c = connector(settings("connections", "1"));
        try
        {
            warmUp(c);
            final int connections = peer.connections.get();
            assertThat(callback.await(send(c, trouble), ANSWER_MS)).isEqualTo(expected);
            Thread.sleep(200); // a GOAWAY follows its answer on the wire: let it arrive before the next send
            assertThat(callback.await(send(c, "after-" + trouble), ANSWER_MS)).isEqualTo(ACCEPTED);
            assertThat(peer.connections.get()).isEqualTo(connections + 1);
        }
        finally
        {
            c.stop();
        }
    }

    @Test
    void shouldFailFastWhileTheEndpointIsUnreachable() throws Exception
    {
        final int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = s.getLocalPort();
        }
        final Connector c = connector(settings("endpoint", "https://127.0.0.1:" + closedPort, "connectTimeoutMs", "1000"));
        try
        {
            assertThat(callback.await(send(c, "nobody-1"), ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_UNAVAILABLE, 0));
            final long start = System.nanoTime();
            assertThat(callback.await(send(c, "nobody-2"), ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_UNAVAILABLE, 0));
            // within the reconnect delay the send fails without a connect attempt (bound generous for a loaded machine)
            assertThat((System.nanoTime() - start) / 1_000_000).as("failed at once").isLessThan(2_000);
        }
        finally
        {
            c.stop();
        }
    }

    @Test
    void shouldFailAgainstAServerThatDoesNotSpeakH2(@TempDir final Path own) throws Exception
    {
        final TestTls tls = TestTls.create(own);
        final EventLoopGroup group = LoopGroups.single("http1-only");
        try (HttpReceiver http1 = HttpReceiver.start(group, "127.0.0.1", 0,
            SslContextBuilder.forServer(tls.serverKey, tls.server).build(), 65_536, request -> HttpReceiver.Answer.of(200, "{}")))
        {
            final Map<String, String> s = settings("endpoint", "https://127.0.0.1:" + http1.port());
            s.put("trustedCaFile", tls.caFile.toString()); // the token endpoint is still the peer: trust both CAs
            s.put("tokenUri", peer.base() + "/token");
            final Connector c = connector(withBothCas(s, tls));
            try
            {
                assertThat(callback.await(send(c, "http1"), ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_UNAVAILABLE, 0));
            }
            finally
            {
                c.stop();
            }
        }
        finally
        {
            LoopGroups.shutdown(group);
        }
    }

    private Map<String, String> withBothCas(final Map<String, String> s, final TestTls other) throws Exception
    {
        final Path both = dir.resolve("both-cas.pem");
        java.nio.file.Files.writeString(both, java.nio.file.Files.readString(Path.of(peer.connectorSettings().get("trustedCaFile"))) +
            java.nio.file.Files.readString(other.caFile));
        s.put("trustedCaFile", both.toString());
        return s;
    }
}
