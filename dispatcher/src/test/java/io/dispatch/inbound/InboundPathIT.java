package io.dispatch.inbound;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Snapshots;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's inbound path end to end: a connector's {@link InboundSink} (the lane's context) journals the event,
 * answers true only then, applies a consent event through the consent path, journals a redelivered event once, and
 * refuses what it cannot take. Real engine on loopback, real client, real journal on disk, restarts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboundPathIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final String USER = "talk-user-1";

    @TempDir
    Path dir;

    /** Noon in Seoul: no night window or chat blackout defers the marketing. */
    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    private Dispatcher launch() throws Exception
    {
        return EngineFixture.launch(EngineFixture.settings(dir), clock);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private InboundEvent event(final InboundEvent.Kind kind, final String tenant, final String eventId)
    {
        return new InboundEvent(kind, tenant, ChannelType.CHAT, USER, "partner-7", 0, "", "{\"event\":\"friend\"}",
            eventId, clock.time());
    }

    private static StatusResult marketing(final DispatchClient c) throws Exception
    {
        final Submit s = Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.CHAT).to(USER).text(PROMO)
            .build();
        return Statuses.awaitTerminal(c, c.submit(s).get(10, TimeUnit.SECONDS).messageId());
    }

    @Test
    void shouldJournalAConsentWithdrawalOnceAndSuppressMarketingAlsoAfterARestart() throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            c.updateConsent(USER, ChannelType.CHAT, AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
            assertThat(marketing(c).state()).isEqualTo(DeliveryState.DELIVERED);

            final InboundSink sink = engine.lane(ChannelType.CHAT).inbound();
            final InboundEvent leave = event(InboundEvent.Kind.CONSENT_WITHDRAWN, "demo", "ev-leave-1");
            assertThat(sink.offer(leave).get(10, TimeUnit.SECONDS)).as("journaled").isTrue();
            assertThat(sink.offer(leave).get(10, TimeUnit.SECONDS)).as("a redelivery is answered as journaled").isTrue();

            final StatusResult suppressed = marketing(c);
            assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).isEqualTo(Reason.OPTED_OUT);

            assertThat(sink.offer(event(InboundEvent.Kind.MESSAGE, "nobody", "ev-2")).get(10, TimeUnit.SECONDS))
                .as("unknown tenant").isFalse();
            final String metrics = AdminHttp.get(engine.adminPort(), dir, "/metrics").body();
            assertThat(AdminHttp.metric(metrics, "dispatch_inbound_events_total{result=\"journaled\"}")).isEqualTo(2);
            assertThat(AdminHttp.metric(metrics, "dispatch_inbound_events_total{result=\"refused\"}")).isEqualTo(1);
        }
        final List<String> inbound = new ArrayList<>();
        final List<String> consentSources = new ArrayList<>();
        readJournal(inbound, consentSources);
        assertThat(inbound).as("journaled once").containsExactly("demo:" + USER + ":ev-leave-1");
        assertThat(consentSources).contains("inbound chat consent_withdrawn event ev-leave-1");

        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            assertThat(marketing(c).reason()).as("after a restart").isEqualTo(Reason.OPTED_OUT);
            final InboundSink sink = engine.lane(ChannelType.CHAT).inbound();
            assertThat(sink.offer(event(InboundEvent.Kind.CONSENT_WITHDRAWN, "demo", "ev-leave-1"))
                .get(10, TimeUnit.SECONDS)).as("recognised after a restart").isTrue();
            assertThat(sink.offer(event(InboundEvent.Kind.CONSENT_GRANTED, "demo", "ev-friend-on"))
                .get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(marketing(c).state()).as("friend on grants it again").isEqualTo(DeliveryState.DELIVERED);
            // the snapshot this start takes once ready covers what the first run journaled (ev-leave-1)
            Snapshots.awaitOne(dir);
        }
        inbound.clear();
        readJournal(inbound, consentSources);
        assertThat(inbound).containsExactly("demo:" + USER + ":ev-leave-1", "demo:" + USER + ":ev-friend-on");

        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            final InboundSink sink = engine.lane(ChannelType.CHAT).inbound();
            // its event id comes back from the snapshot: journaled again, it would withdraw the consent again
            assertThat(sink.offer(event(InboundEvent.Kind.CONSENT_WITHDRAWN, "demo", "ev-leave-1"))
                .get(10, TimeUnit.SECONDS)).as("recognised after a start from the snapshot").isTrue();
            assertThat(sink.offer(event(InboundEvent.Kind.CONSENT_GRANTED, "demo", "ev-friend-on"))
                .get(10, TimeUnit.SECONDS)).as("and the one in the tail").isTrue();
            assertThat(marketing(c).state()).as("still granted").isEqualTo(DeliveryState.DELIVERED);
        }
        inbound.clear();
        readJournal(inbound, consentSources);
        assertThat(inbound).as("the redelivery after the snapshot start is not journaled again")
            .containsExactly("demo:" + USER + ":ev-leave-1", "demo:" + USER + ":ev-friend-on");
    }

    private void readJournal(final List<String> inbound, final List<String> consentSources)
    {
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            reader.scanFromStart(new JournalReader.Visitor()
            {
                @Override
                public void onAccepted(final long messageId, final AcceptedRecord record)
                {
                }

                @Override
                public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                    final short reason, final long atMs)
                {
                }

                @Override
                public void onInbound(final long index, final long atMs, final byte[] tenantName,
                    final int tenantNameLength, final byte[] body, final int bodyLength)
                {
                    final InboundEvent e = InboundBody.decode(
                        new String(tenantName, 0, tenantNameLength, StandardCharsets.UTF_8), body, 0, bodyLength);
                    inbound.add(e.tenant() + ":" + e.from() + ":" + e.providerEventId());
                }

                @Override
                public void onConsent(final long atMs, final byte[] tenantName, final int tenantNameLength,
                    final byte[] body, final int bodyLength)
                {
                    final int sourceAt = 7 + (body[6] & 0xFF);
                    consentSources.add(new String(body, sourceAt + 1, body[sourceAt] & 0xFF, StandardCharsets.UTF_8));
                }
            }, new AcceptedRecord());
        }
    }
}
