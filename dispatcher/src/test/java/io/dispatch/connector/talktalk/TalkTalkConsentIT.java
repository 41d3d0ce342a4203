package io.dispatch.connector.talktalk;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TalkTalk consent end to end: a real engine with {@code lane.talktalk.connector=talktalk} against {@link TalkTalkPeer};
 * the peer's {@code friend off} webhook withdraws the user's consent through the journal (marketing is then
 * suppressed, also after a restart) and {@code friend on} grants it back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TalkTalkConsentIT
{
    private static final String USER = TalkTalkConnectorTest.USER;
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    private Settings settings(final TalkTalkPeer peer) throws Exception
    {
        final Settings s = new Settings(new Properties());
        EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach(s::set);
        s.set("lane.talktalk.connector", "talktalk");
        s.set("lane.talktalk.capacity", "1024");
        s.set("lane.talktalk.connector.baseUrl", peer.baseUrl());
        s.set("lane.talktalk.connector.authorizationFile",
            Files.writeString(dir.resolve("talktalk.key"), TalkTalkConnectorTest.KEY).toString());
        s.set("lane.talktalk.connector.tenant", "demo");
        s.set("lane.talktalk.connector.partnerId", "wc1234");
        s.set("lane.talktalk.connector.webhook.port", "0");
        return s;
    }

    private static DispatchClient connect(final Dispatcher engine)
    {
        return DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(engine.port()).tenant("demo")
            .apiKey("demo-key").build());
    }

    private static StatusResult marketing(final DispatchClient c) throws Exception
    {
        final long id = c.submit(Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.TALKTALK).to(USER)
            .text(PROMO).build()).get(10, TimeUnit.SECONDS).messageId();
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

    private static void webhook(final TalkTalkPeer peer, final Dispatcher engine, final String event) throws Exception
    {
        final TalkTalkConnector connector = (TalkTalkConnector)engine.lane(ChannelType.TALKTALK).connector();
        peer.webhook(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/talktalk/webhook"));
        assertThat(peer.event(event).get(30, TimeUnit.SECONDS).statusCode()).as("journaled").isEqualTo(200);
    }

    @Test
    void shouldWithdrawConsentOnFriendOffThroughTheJournalAndGrantItOnFriendOn() throws Exception
    {
        try (TalkTalkPeer peer = new TalkTalkPeer(TalkTalkConnectorTest.KEY, null))
        {
            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                c.updateConsent(USER, ChannelType.TALKTALK, AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
                assertThat(marketing(c).state()).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);

                webhook(peer, engine, TalkTalkPeer.friend(USER, "off"));
                final StatusResult withdrawn = marketing(c);
                assertThat(withdrawn.state()).isEqualTo(DeliveryState.SUPPRESSED);
                assertThat(withdrawn.reason()).isEqualTo(Reason.OPTED_OUT);
            }
            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                assertThat(marketing(c).reason()).as("after a restart").isEqualTo(Reason.OPTED_OUT);
                webhook(peer, engine, TalkTalkPeer.friend(USER, "on"));
                assertThat(marketing(c).state()).as("friend on grants it again").isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
                webhook(peer, engine, TalkTalkPeer.leave(USER));
                assertThat(marketing(c).reason()).as("leave withdraws it").isEqualTo(Reason.OPTED_OUT);
            }
            try (Dispatcher engine = EngineFixture.launch(settings(peer), clock); DispatchClient c = connect(engine))
            {
                assertThat(marketing(c).reason()).isEqualTo(Reason.OPTED_OUT);
            }
            assertThat(peer.received()).as("only the two allowed sends reached TalkTalk").hasSize(2);
        }
    }
}
