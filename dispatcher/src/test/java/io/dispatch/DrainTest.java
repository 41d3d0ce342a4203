package io.dispatch;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.EngineGoodbye;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.CountingWebhookPeer;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Dispatcher#drain}: with provider calls held open by the peer, a drain turns readiness false, says
 * GOODBYE to clients, refuses new connections and waits for the outcomes of the calls already made; after a
 * restart only the messages that were still queued are sent, each exactly once.
 */
@Timeout(120)
class DrainTest
{
    private static final int IN_FLIGHT = 8;
    private static final int QUEUED = 5;
    private static final long DRAIN_MS = 60_000;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldFinishProviderCallsInFlightAndSendNothingTwiceAfterTheRestart() throws Exception
    {
        final List<Long> acked = new ArrayList<>();
        try (CountingWebhookPeer peer = new CountingWebhookPeer(0))
        {
            peer.hold(true);
            final Settings settings = settings(peer);
            final Dispatcher engine = EngineFixture.launch(settings);
            final Thread drain = new Thread(() -> engine.drain(DRAIN_MS), "test-drain");
            try (engine; RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                assertThat(get(engine.adminPort(), "/health/ready").statusCode()).isEqualTo(200);
                for (int i = 0; i < IN_FLIGHT + QUEUED; i++)
                {
                    c.submit(10 + i, MessageKind.INFORMATIONAL, ChannelType.CHAT, "", "user-" + i, "hello " + i);
                }
                for (int i = 0; i < IN_FLIGHT + QUEUED; i++)
                {
                    final Frame ack = c.read();
                    assertThat(ack.type).as(ack.toString()).isEqualTo(MessageType.ACK);
                    acked.add(ack.messageId());
                }
                // the window is IN_FLIGHT: that many calls are open at the peer, the rest wait in the lane queue
                await(() -> peer.requests() == IN_FLIGHT, "the peer holds " + IN_FLIGHT + " calls");

                drain.start();
                final Frame goodbye = c.read();
                assertThat(goodbye.type).as(goodbye.toString()).isEqualTo(MessageType.GOODBYE);
                assertThat(goodbye.goodbye().reason()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
                assertThat(goodbye.goodbye().retryAfterMs()).isEqualTo(DRAIN_MS);
                assertThat(c.awaitClosed(10_000)).as("closed after GOODBYE").isTrue();

                assertThat(engine.isReady()).isFalse();
                final int adminPort = engine.adminPort();
                assertThat(get(adminPort, "/health/ready").statusCode()).isEqualTo(503);
                assertThat(get(adminPort, "/health/live").statusCode()).isEqualTo(200);
                assertThatThrownBy(() -> new Socket("127.0.0.1", engine.port()).close())
                    .isInstanceOf(ConnectException.class);
                // the drain waits for the outcomes of the calls the peer holds, however long within drainMs
                assertThat(drain.isAlive()).isTrue();
                assertThat(engine.lane(ChannelType.CHAT).inFlight()).isEqualTo(IN_FLIGHT);

                peer.release();
                drain.join(30_000);
                assertThat(drain.isAlive()).as("drain returned once the peer answered").isFalse();
            }
            assertThat(peer.requests()).as("no queued message was sent during the drain: %s", peer.countsById()).isEqualTo(IN_FLIGHT);

            try (Dispatcher restarted = EngineFixture.launch(settings);
                RawConnection c = RawConnection.open(restarted.port(), "demo", "demo-key"))
            {
                await(() -> peer.requests() >= IN_FLIGHT + QUEUED, "the queued messages are sent after the restart");
                for (final long id : acked)
                {
                    await(() -> state(c, id) == DeliveryState.DELIVERED.code(), "message " + id + " DELIVERED");
                }
            }
            assertThat(peer.countsById()).as("each message reached the provider exactly once")
                .hasSize(IN_FLIGHT + QUEUED).allSatisfy((id, n) -> assertThat(n).as("posts of " + id).isEqualTo(1));
        }
    }

    @Test
    void shouldTellTheJavaClientWhyTheEngineLeftAndWhenToComeBack() throws Exception
    {
        final Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
        try (engine;
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(engine.port())
                .tenant("demo").apiKey("demo-key").build()))
        {
            client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS).to("01012345678")
                .text("before the drain").build()).join();
            assertThat(client.lastGoodbye()).isNull();

            engine.drain(3_000);

            await(() -> client.lastGoodbye() != null, "the client saw GOODBYE");
            final EngineGoodbye goodbye = client.lastGoodbye();
            assertThat(goodbye.reason()).isEqualTo(ErrorCode.SHUTTING_DOWN);
            assertThat(goodbye.reasonCode()).isEqualTo(22);
            assertThat(goodbye.retryAfterMs()).isEqualTo(3_000);
            assertThat(client.isConnected()).isFalse();
        }
    }

    private Settings settings(final CountingWebhookPeer peer) throws Exception
    {
        final Settings s = new Settings(new Properties());
        EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.chat.connector."))
            {
                s.set(k, v);
            }
        });
        final String[] args = peer.laneArgs("chat", dir);
        for (int i = 1; i < args.length; i += 2)
        {
            final String kv = args[i];
            s.set(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        s.set("lane.chat.window", Integer.toString(IN_FLIGHT));
        return s;
    }

    private static int state(final RawConnection c, final long id) throws Exception
    {
        c.send(b -> io.dispatch.netty.ByteBufFrames.status(b, id, id));
        final Frame f = c.read();
        return f.type == MessageType.STATUS_RESULT ? f.state() : -1;
    }

    private HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @FunctionalInterface
    private interface Condition
    {
        boolean met() throws Exception;
    }

    private static void await(final Condition condition, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.met())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
