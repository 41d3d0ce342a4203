package io.dispatch.connector.kakao;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real engine with {@code lane.chat.connector=kakao} against the loopback relay: messages submitted
 * through the real client reach the relay, and its answers and result webhooks come back as receipts.
 */
@Timeout(60)
class KakaoEngineIT
{
    @TempDir
    Path dir;

    record Change(DeliveryState state, Reason reason)
    {
    }

    /** The fixture's settings with the chat lane switched to kakao (its simulated-provider keys dropped). */
    static Settings engineSettings(final Path dir, final KakaoRelayPeer peer) throws Exception
    {
        final Settings s = new Settings(new Properties());
        EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.chat.connector."))
            {
                s.set(k, v);
            }
        });
        s.set("lane.chat.connector", "kakao");
        // this test is about the connector: let the marketing message through the policy stage at any hour
        s.set("tenant.demo.consentRequired", "false");
        s.set("policy.night.chat", "off");
        s.set("policy.blackout.chat", "off");
        KakaoConnectorTest.settings(peer, dir).forEach((k, v) -> s.set("lane.chat.connector." + k, v));
        return s;
    }

    @Test
    void shouldReportAcceptedThenDeliveredAndRejectNonKakaoUsers() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer(KakaoConnectorTest.APP_KEY, KakaoConnectorTest.SECRET,
                KakaoConnectorTest.SENDER_KEY);
            Dispatcher engine = EngineFixture.launch(engineSettings(dir, peer)))
        {
            final KakaoConnector connector = (KakaoConnector)engine.lane(ChannelType.CHAT).connector();
            peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/kakao/webhook"),
                KakaoConnectorTest.SIGNATURE);
            final Map<Long, List<Change>> changes = new ConcurrentHashMap<>();
            try (DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
            {
                client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) ->
                    changes.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Change(state, reason))).join();

                final long delivered = submit(client, MessageKind.INFORMATIONAL, "010-1234-5678", "order-shipped",
                    Map.of("shop", "가게", "tracking", "123-45"));
                final long otp = submit(client, MessageKind.AUTH, "01099998888", "otp",
                    Map.of("service", "Shop", "code", "482913"));
                final long notUser = submit(client, MessageKind.INFORMATIONAL, "09903018", "order-shipped",
                    Map.of("shop", "가게", "tracking", "1"));
                final long failedLater = submit(client, MessageKind.INFORMATIONAL, "09913019", "order-shipped",
                    Map.of("shop", "가게", "tracking", "2"));
                final long promo = submit(client, MessageKind.MARKETING, "01055556666", "promo",
                    Map.of("shop", "가게", "offer", "1+1"));

                awaitTerminal(changes, List.of(delivered, otp, notUser, failedLater, promo));

                assertThat(changes.get(delivered)).containsSubsequence(
                    new Change(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE), new Change(DeliveryState.DELIVERED, Reason.NONE));
                assertThat(changes.get(otp)).contains(new Change(DeliveryState.DELIVERED, Reason.NONE));
                assertThat(changes.get(promo)).contains(new Change(DeliveryState.DELIVERED, Reason.NONE));
                assertThat(last(changes, notUser)).isEqualTo(new Change(DeliveryState.REJECTED, Reason.NOT_CHANNEL_USER));
                assertThat(changes.get(failedLater)).containsSubsequence(
                    new Change(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE),
                    new Change(DeliveryState.FAILED, Reason.NOT_CHANNEL_USER));

                final StatusResult status = client.status(notUser).join();
                assertThat(status.state()).isEqualTo(DeliveryState.REJECTED);
                assertThat(status.reason()).isEqualTo(Reason.NOT_CHANNEL_USER);
            }
            assertThat(peer.received()).extracting(KakaoRelayPeer.Received::path).containsExactlyInAnyOrder(
                "/alimtalk/v2.3/appkeys/appKey123/messages", "/alimtalk/v2.3/appkeys/appKey123/auth/messages",
                "/alimtalk/v2.3/appkeys/appKey123/messages", "/alimtalk/v2.3/appkeys/appKey123/messages",
                "/brand-message/v1.0/appkeys/appKey123/freestyle-messages");
        }
    }

    private static long submit(
        final DispatchClient client, final MessageKind kind, final String to, final String template,
        final Map<String, String> vars)
    {
        final Submit.Builder b = Submit.builder().kind(kind).channel(ChannelType.CHAT).to(to).template(template);
        vars.forEach(b::var);
        return client.submit(b.build()).join().messageId();
    }

    private static Change last(final Map<Long, List<Change>> changes, final long id)
    {
        final List<Change> list = changes.get(id);
        return list.get(list.size() - 1);
    }

    private static void awaitTerminal(final Map<Long, List<Change>> changes, final List<Long> ids) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline)
        {
            if (ids.stream().allMatch(id -> changes.containsKey(id) && last(changes, id).state().isTerminal()))
            {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not all terminal within 30 s: " + changes);
    }
}
