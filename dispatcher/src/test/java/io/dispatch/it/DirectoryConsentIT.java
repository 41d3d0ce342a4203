package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.Campaign;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.Counter;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static io.dispatch.protocol.ConsentFlags.NIGHT_AD;
import static io.dispatch.protocol.ConsentFlags.OPTED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent the recipient directory takes away reaches direct SUBMITs to the recipient's addresses: real engine on
 * loopback, real client, real journals on disk, time from an injected clock (noon in Seoul).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryConsentIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final int ALL = AD | NIGHT_AD | OPTED_OUT;
    private static final String PHONE = "01055550001";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    private Dispatcher launch() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("template.promo", CampaignIT.TEMPLATE);
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

    private static Explanation explain(final DispatchClient c, final ChannelType channel, final String to)
        throws Exception
    {
        return c.explain(marketing(channel, to)).get(10, TimeUnit.SECONDS);
    }

    private static void grant(final DispatchClient c, final ChannelType channel, final String to) throws Exception
    {
        c.updateConsent(to, channel, AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
    }

    private static void update(final DispatchClient c, final DirectoryOpWriter... ops) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        for (final DirectoryOpWriter op : ops)
        {
            batch.add(op.toBytes());
        }
        assertThat(c.updateDirectory(batch).get(10, TimeUnit.SECONDS).applied()).isEqualTo(ops.length);
    }

    /** A CRM row: the phone and one channel's consent, absolute as an import writes it. */
    private static DirectoryOpWriter row(final String id, final String phone, final String channel, final int consent)
    {
        return new DirectoryOpWriter().upsert(id).string("phone", phone).addTag("it")
            .consentField(channel, consent, ~consent & ALL, 0, "crm");
    }

    private static StatusResult awaitEnd(final DispatchClient c, final Submit s) throws Exception
    {
        return Statuses.awaitTerminal(c, c.submit(s).get(10, TimeUnit.SECONDS).messageId());
    }

    private static void assertDecision(final Explanation e, final Decision decision, final Reason reason)
    {
        assertThat(e.decision()).as("%s", e).isEqualTo(decision);
        if (reason != null)
        {
            assertThat(e.reason()).as("%s", e).isEqualTo(reason);
        }
    }

    @Test
    void shouldSuppressADirectSubmitToAPhoneTheDirectoryOptedOutAlsoAfterARestart() throws Exception
    {
        final Submit informational = Submit.builder().to(PHONE).text("order 42 shipped").build();
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            grant(c, ChannelType.SMS, PHONE);
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SEND, null);

            update(c, row("r1", PHONE, "sms", OPTED_OUT));
            final StatusResult suppressed = awaitEnd(c, marketing(ChannelType.SMS, PHONE));
            assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).isEqualTo(Reason.OPTED_OUT);
            assertThat(awaitEnd(c, informational).state()).as("opt-out is from ads only")
                .isEqualTo(DeliveryState.DELIVERED);
        }
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            final StatusResult suppressed = awaitEnd(c, marketing(ChannelType.SMS, PHONE));
            assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).isEqualTo(Reason.OPTED_OUT);
            assertThat(awaitEnd(c, informational).state()).isEqualTo(DeliveryState.DELIVERED);
        }
    }

    @Test
    void shouldWithdrawTheConsentOfEveryAddressOfTheRecipientUntilANewerConsentFrame() throws Exception
    {
        final String chatKey = "kakao-r2";
        final String token = "fcm:dGVzdC10b2tlbi1yMg";
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            grant(c, ChannelType.SMS, PHONE);
            grant(c, ChannelType.CHAT, chatKey);
            grant(c, ChannelType.CHAT, PHONE);
            grant(c, ChannelType.PUSH, token);
            update(c, new DirectoryOpWriter().upsert("r2").string("phone", PHONE).string("chat_key", chatKey)
                .pushToken("fcm", token.substring(4)).consentField("all", AD, 0, 0, "crm"));
            assertDecision(explain(c, ChannelType.CHAT, chatKey), Decision.SEND, null);

            update(c, new DirectoryOpWriter().consent("r2", 0, 0, AD, 0, "call-center"));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.NO_CONSENT);
            assertDecision(explain(c, ChannelType.CHAT, chatKey), Decision.SUPPRESS, Reason.NO_CONSENT);
            assertDecision(explain(c, ChannelType.CHAT, PHONE), Decision.SUPPRESS, Reason.NO_CONSENT);
            assertDecision(explain(c, ChannelType.PUSH, token), Decision.SUPPRESS, Reason.NO_CONSENT);

            grant(c, ChannelType.SMS, PHONE);
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SEND, null);
        }
    }

    @Test
    void shouldNotLetDirectoryConsentEnableDirectSubmitsNorItsLiftedOptOutStopCampaigns() throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            update(c, row("r3", PHONE, "sms", AD | NIGHT_AD));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.NO_CONSENT);
            grant(c, ChannelType.SMS, PHONE);
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SEND, null);

            update(c, row("r3", PHONE, "sms", OPTED_OUT));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.OPTED_OUT);
            // the directory lifts its opt-out, but the consent the opt-out withdrew is not given back
            update(c, row("r3", PHONE, "sms", AD));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.NO_CONSENT);
            final var explained = c.startCampaign(Campaign.builder().name("it").segment("tag('it')")
                .channels(ChannelType.SMS).template(ChannelType.SMS, "promo").var("coupon", "A").dryRun(true).build())
                .get(10, TimeUnit.SECONDS);
            assertThat(explained.counter(CampaignDescriptor.COUNTER_DECIDED_SEND))
                .as("the campaign decides on the directory's consent: %s", explained.counters()).isEqualTo(1);

            grant(c, ChannelType.SMS, PHONE);
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SEND, null);
        }
    }

    @Test
    void shouldWithdrawAddressConsentWhenTheRecipientIsDeleted() throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            grant(c, ChannelType.SMS, PHONE);
            update(c, new DirectoryOpWriter().upsert("r4").string("phone", PHONE));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SEND, null);
            update(c, new DirectoryOpWriter().delete("r4"));
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.NO_CONSENT);
        }
    }

    @Test
    void shouldJournalEveryRestrictionOfABatchLargerThanTheRingWindowBeforeAnswering() throws Exception
    {
        // 1024 rows x (sms phone, chat key + phone, push token prefixed + bare) = 5120 events; the window is 2048
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            final DirectoryBatch batch = new DirectoryBatch();
            for (int i = 0; i < 1024; i++)
            {
                batch.add(new DirectoryOpWriter().upsert("bulk" + i).string("phone", "0106666" + (1000 + i))
                    .string("chat_key", "kakao-bulk" + i).pushToken("fcm", "bulkToken" + i)
                    .consentField("all", OPTED_OUT, AD | NIGHT_AD, 0, "import:optouts.csv").toBytes());
            }
            final long before = engine.counters().get(Counter.CONSENT_UPDATES);
            assertThat(c.updateDirectory(batch).get(20, TimeUnit.SECONDS).applied()).isEqualTo(1024);
            assertThat(engine.counters().get(Counter.CONSENT_UPDATES) - before).isEqualTo(5120);
            assertDecision(explain(c, ChannelType.PUSH, "bulkToken1023"), Decision.SUPPRESS, Reason.OPTED_OUT);
            assertDecision(explain(c, ChannelType.CHAT, "01066662023"), Decision.SUPPRESS, Reason.OPTED_OUT);
        }
    }

    @Test
    void shouldKeepARestrictionAnsweredJustBeforeAKillNine() throws Exception
    {
        final Path data = dir.resolve("child");
        try (ChildEngine child = ChildEngine.start(data); DispatchClient c = connect(child.port()))
        {
            grant(c, ChannelType.SMS, PHONE);
            assertThat(explain(c, ChannelType.SMS, PHONE).decision()).isNotEqualTo(Decision.SUPPRESS);
            update(c, row("r5", PHONE, "sms", OPTED_OUT));
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }
        try (ChildEngine child = ChildEngine.start(data); DispatchClient c = connect(child.port()))
        {
            assertDecision(explain(c, ChannelType.SMS, PHONE), Decision.SUPPRESS, Reason.OPTED_OUT);
        }
    }
}
