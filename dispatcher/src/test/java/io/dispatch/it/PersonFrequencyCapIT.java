package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frequency caps count a directory recipient's sends on every address they have, and an address the directory does
 * not know on its own, also after a restart: real engine on loopback, real client, real journals on disk, time from
 * an injected clock (noon in Seoul).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersonFrequencyCapIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final int CAP = 2;
    private static final String PHONE = "01055550001";
    private static final String TOKEN = "fcm:dGVzdC10b2tlbi1wMQ";
    private static final String STRANGER = "01099990000";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    private Dispatcher launch() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("tenant.demo.cap.marketing", CAP + "/1d");
        s.set("tenant.demo.consentRequired", "false");
        return EngineFixture.launch(s, clock);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private static Submit marketing(final ChannelType channel, final String to)
    {
        return Submit.builder().kind(MessageKind.MARKETING).channel(channel).to(to).text(PROMO).build();
    }

    private static StatusResult awaitEnd(final DispatchClient c, final Submit s) throws Exception
    {
        return Statuses.awaitTerminal(c, c.submit(s).get(10, TimeUnit.SECONDS).messageId());
    }

    private static void assertCapped(final DispatchClient c, final ChannelType channel, final String to)
        throws Exception
    {
        final Explanation e = c.explain(marketing(channel, to)).get(10, TimeUnit.SECONDS);
        assertThat(e.decision()).as("%s", e).isEqualTo(Decision.SUPPRESS);
        assertThat(e.reason()).as("%s", e).isEqualTo(Reason.FREQUENCY_CAPPED);
    }

    private static void assertSent(final DispatchClient c, final ChannelType channel, final String to) throws Exception
    {
        final Explanation e = c.explain(marketing(channel, to)).get(10, TimeUnit.SECONDS);
        assertThat(e.decision()).as("%s", e).isEqualTo(Decision.SEND);
    }

    private static void update(final DispatchClient c, final DirectoryOpWriter op) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        batch.add(op.toBytes());
        assertThat(c.updateDirectory(batch).get(10, TimeUnit.SECONDS).applied()).isEqualTo(1);
    }

    @Test
    void shouldCapARecipientAcrossTheirPhoneAndPushTokenAndAnUnknownAddressOnItsOwnAlsoAfterARestart()
        throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            update(c, new DirectoryOpWriter().upsert("p1").string("phone", PHONE).pushToken("fcm", TOKEN.substring(4)));
            for (int i = 0; i < CAP; i++)
            {
                assertThat(awaitEnd(c, marketing(ChannelType.SMS, PHONE)).state()).isEqualTo(DeliveryState.DELIVERED);
                assertThat(awaitEnd(c, marketing(ChannelType.SMS, STRANGER)).state())
                    .isEqualTo(DeliveryState.DELIVERED);
            }

            final StatusResult capped = awaitEnd(c, marketing(ChannelType.PUSH, TOKEN));
            assertThat(capped.state()).as("the recipient's phone sends count for their push token")
                .isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(capped.reason()).isEqualTo(Reason.FREQUENCY_CAPPED);
            assertCapped(c, ChannelType.SMS, STRANGER);
            assertSent(c, ChannelType.SMS, "01099990001");
        }
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            assertCapped(c, ChannelType.PUSH, TOKEN);
            assertCapped(c, ChannelType.PUSH, TOKEN.substring(4));
            assertCapped(c, ChannelType.SMS, PHONE);
            assertCapped(c, ChannelType.SMS, STRANGER);

            // a new phone of the recipient counts from the sends before it was theirs; the old phone is free again
            update(c, new DirectoryOpWriter().patch("p1").string("phone", "01055550002"));
            assertCapped(c, ChannelType.SMS, "01055550002");
            assertSent(c, ChannelType.SMS, PHONE);
        }
    }

    @Test
    void shouldKeepAPersonsCapAcrossAKillNine() throws Exception
    {
        // a child engine runs on the real clock: informational messages have no night window to run into
        final String[] capped = {"--set", "tenant.demo.cap.informational=" + CAP + "/1d"};
        final Path data = dir.resolve("child");
        final Submit toPhone = Submit.builder().channel(ChannelType.SMS).to(PHONE).text("order 42 shipped").build();
        final Submit toToken = Submit.builder().channel(ChannelType.PUSH).to(TOKEN).text("order 42 shipped").build();
        try (ChildEngine child = ChildEngine.start(data, capped); DispatchClient c = connect(child.port()))
        {
            update(c, new DirectoryOpWriter().upsert("p1").string("phone", PHONE).pushToken("fcm", TOKEN.substring(4)));
            for (int i = 0; i < CAP; i++)
            {
                assertThat(c.submit(toPhone).get(10, TimeUnit.SECONDS).messageId()).isPositive();
            }
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }
        try (ChildEngine child = ChildEngine.start(data, capped); DispatchClient c = connect(child.port()))
        {
            final Explanation e = c.explain(toToken).get(10, TimeUnit.SECONDS);
            assertThat(e.decision()).as("%s", e).isEqualTo(Decision.SUPPRESS);
            assertThat(e.reason()).as("%s", e).isEqualTo(Reason.FREQUENCY_CAPPED);
        }
    }
}
