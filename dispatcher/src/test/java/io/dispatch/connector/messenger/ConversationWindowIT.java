package io.dispatch.connector.messenger;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.ChatPlatformPeer;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Snapshots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversation window end to end: a real engine with {@code lane.messenger.connector=messenger} against
 * {@link MessengerPeer}; the peer's signed webhook opens the window through the journal, the policy stage decides
 * with it, a restart rebuilds it from the journaled INBOUND records (by a full scan, then from a snapshot), and it
 * closes 24 h later.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConversationWindowIT
{
    private static final String PSID = MessengerConnectorTest.PSID;
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";

    @TempDir
    Path dir;

    /** Noon in Seoul: no night window defers the marketing. */
    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    private Settings settings(final MessengerPeer peer) throws Exception
    {
        final Settings s = new Settings(new Properties());
        EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach(s::set);
        s.set("lane.messenger.connector", "messenger");
        s.set("lane.messenger.capacity", "1024");
        MessengerConnectorTest.settings(peer, dir).forEach((k, v) -> s.set("lane.messenger.connector." + k, v));
        return s;
    }

    private static DispatchClient connect(final Dispatcher engine)
    {
        return DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(engine.port()).tenant("demo")
            .apiKey("demo-key").build());
    }

    private static long submit(final DispatchClient c, final MessageKind kind, final String template, final String text)
        throws Exception
    {
        final Submit.Builder b = Submit.builder().kind(kind).channel(ChannelType.MESSENGER).to(PSID);
        final Submit s = template != null ? b.template(template).var("shop", "가게").var("tracking", "1").build()
            : b.text(text).build();
        return c.submit(s).get(10, TimeUnit.SECONDS).messageId();
    }

    /** Waits, bounded, until the message leaves the engine's hands: sent to the peer, suppressed or failed. */
    private static StatusResult settled(final DispatchClient c, final long id) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StatusResult last = c.status(id).get(10, TimeUnit.SECONDS);
        while (last.state() != DeliveryState.PROVIDER_ACCEPTED && !last.state().isTerminal()
            && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            last = c.status(id).get(10, TimeUnit.SECONDS);
        }
        return last;
    }

    private static Submit promo()
    {
        return Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.MESSENGER).to(PSID).text(PROMO).build();
    }

    private static Object lastSent(final ChatPlatformPeer peer)
    {
        final List<ChatPlatformPeer.Received> r = peer.received();
        return Json.parse(r.get(r.size() - 1).body());
    }

    @Test
    void shouldOpenTheWindowFromTheWebhookKeepItAcrossARestartAndCloseItAfter24Hours() throws Exception
    {
        try (MessengerPeer peer = new MessengerPeer(MessengerConnectorTest.PAGE, MessengerConnectorTest.TOKEN,
            MessengerConnectorTest.APP_SECRET))
        {
            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                c.updateConsent(PSID, ChannelType.MESSENGER, AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
                final Explanation closedPromo = c.explain(promo()).get(10, TimeUnit.SECONDS);
                assertThat(closedPromo.decision()).isEqualTo(Decision.SUPPRESS);
                assertThat(closedPromo.reason()).isEqualTo(Reason.OUTSIDE_CONVERSATION_WINDOW);
                assertThat(closedPromo.window()).isEqualTo(new Explanation.ConversationWindow(false, 0, null));
                final Explanation tagged = c.explain(Submit.builder().kind(MessageKind.INFORMATIONAL)
                    .channel(ChannelType.MESSENGER).to(PSID).template("order-shipped").var("shop", "가게")
                    .var("tracking", "1").build()).get(10, TimeUnit.SECONDS);
                assertThat(tagged.decision()).isEqualTo(Decision.SEND);
                assertThat(tagged.window()).isEqualTo(new Explanation.ConversationWindow(false, 0, "POST_PURCHASE_UPDATE"));

                final StatusResult promo = settled(c, submit(c, MessageKind.MARKETING, null, PROMO));
                assertThat(promo.state()).as("no message from the user yet").isEqualTo(DeliveryState.SUPPRESSED);
                assertThat(promo.reason()).isEqualTo(Reason.OUTSIDE_CONVERSATION_WINDOW);
                final StatusResult untagged = settled(c, submit(c, MessageKind.INFORMATIONAL, null, "안내"));
                assertThat(untagged.reason()).as("informational without a tag").isEqualTo(Reason.OUTSIDE_CONVERSATION_WINDOW);
                final StatusResult sentTagged = settled(c, submit(c, MessageKind.INFORMATIONAL, "order-shipped", null));
                assertThat(sentTagged.state()).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
                assertThat(Json.string(lastSent(peer), "messaging_type")).isEqualTo("MESSAGE_TAG");
                assertThat(Json.string(lastSent(peer), "tag")).isEqualTo("POST_PURCHASE_UPDATE");
                assertThat(peer.received()).as("the suppressed ones never left").hasSize(1);

                final MessengerConnector connector = (MessengerConnector)engine.lane(ChannelType.MESSENGER).connector();
                peer.webhook(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/messenger/webhook"));
                final long before = clock.time();
                assertThat(peer.event(peer.message(PSID, "m_open", "쿠폰 있나요?", clock.time()))
                    .get(30, TimeUnit.SECONDS).statusCode()).as("journaled").isEqualTo(200);
                final Explanation.ConversationWindow open = c.explain(promo()).get(10, TimeUnit.SECONDS).window();
                assertThat(open.open()).isTrue();
                assertThat(open.lastMessageEpochMs()).as("when the connector received it").isBetween(before, clock.time());
                assertThat(open.tag()).isNull();

                final StatusResult inside = settled(c, submit(c, MessageKind.MARKETING, null, PROMO));
                assertThat(inside.state()).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
                assertThat(Json.string(lastSent(peer), "messaging_type")).isEqualTo("RESPONSE");
            }

            clock.jump(TimeUnit.HOURS.toMillis(23));
            final long lastMessageMs;
            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                final StatusResult afterRestart = settled(c, submit(c, MessageKind.MARKETING, null, PROMO));
                assertThat(afterRestart.state()).as("the window rebuilt from the journal")
                    .isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
                lastMessageMs = c.explain(promo()).get(10, TimeUnit.SECONDS).window().lastMessageEpochMs();
                // the snapshot this start takes once ready covers the user's message, journaled by the first run
                Snapshots.awaitOne(dir.resolve("engine"));
            }

            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                final Explanation.ConversationWindow fromSnapshot = c.explain(promo()).get(10, TimeUnit.SECONDS).window();
                assertThat(fromSnapshot.open()).as("the window rebuilt from the snapshot").isTrue();
                assertThat(fromSnapshot.lastMessageEpochMs()).isEqualTo(lastMessageMs);

                clock.jump(TimeUnit.HOURS.toMillis(1) + 1);
                final StatusResult closed = settled(c, submit(c, MessageKind.MARKETING, null, PROMO));
                assertThat(closed.state()).as("24 h after the user's message").isEqualTo(DeliveryState.SUPPRESSED);
                assertThat(closed.reason()).isEqualTo(Reason.OUTSIDE_CONVERSATION_WINDOW);
                final StatusResult tagged = settled(c, submit(c, MessageKind.INFORMATIONAL, "order-shipped", null));
                assertThat(tagged.state()).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
            }
        }
    }
}
