package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames.DirectoryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.dispatch.protocol.CampaignDescriptor.CHANNEL_DELIVERED;
import static io.dispatch.protocol.CampaignDescriptor.CHANNEL_FANNED_OUT;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_DECIDED_SEND;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_DECIDED_SUPPRESS;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_SUPPRESSED_BASE;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_TARGETED;
import static io.dispatch.protocol.CampaignDescriptor.channelCounter;
import static org.assertj.core.api.Assertions.assertThat;

/** The recipient directory and campaigns end to end: real engine, raw protocol frames, real journals on disk. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CampaignIT
{
    static final String TEMPLATE = "(광고)[shop] #{region} 고객님 #{coupon} 쿠폰 무료수신거부 080-000-0000";
    private static final byte[] CHAT_THEN_SMS = {ChannelType.CHAT.code(), ChannelType.SMS.code()};
    /** Women in their 20s who are not VIP: 8 of the 60 recipients below, 4 of them with SMS ad consent. */
    private static final String SEGMENT = "gender = 'F' and age between 20 and 29 and not tag('vip')";

    @TempDir
    Path dir;

    /** Requests of every connection: ids only need to be unique among a connection's outstanding ones. */
    private static final AtomicLong CORRELATION = new AtomicLong(1);

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    static Settings settings(final Path dir)
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("template.promo", TEMPLATE);
        return s;
    }

    @Test
    void shouldApplyDirectoryUpdatesAndRunACampaignThatSurvivesARestart() throws Exception
    {
        long campaignId;
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final List<byte[]> ops = new ArrayList<>();
            for (int i = 0; i < 60; i++)
            {
                ops.add(recipient(i));
            }
            ops.add(new DirectoryOpWriter().upsert("bad-gender").string("gender", "Q").toBytes());
            ops.add(new DirectoryOpWriter().upsert("typed").integer("points", 5).toBytes());
            ops.add(new DirectoryOpWriter().patch("typed").string("points", "many").toBytes());
            final DirectoryResult updated = update(c, ops);
            assertThat(updated.applied()).isEqualTo(61);
            assertThat(updated.rejected()).containsOnlyKeys(60, 62);
            assertThat(updated.rejected().get(60)).contains("gender");
            assertThat(updated.rejected().get(62)).contains("points");

            // the import journaled its recipients' address links (per-person caps); a dry run journals nothing
            final long journaledBefore = engine.counters().get(io.dispatch.status.Counter.JOURNAL_RECORDS);
            final CampaignResult explained = campaign(c, true, 0, "autumn-sale");
            assertThat(explained.state()).isEqualTo(CampaignDescriptor.STATE_EXPLAINED);
            assertThat(explained.counter(COUNTER_TARGETED)).isEqualTo(8);
            assertThat(explained.counter(COUNTER_DECIDED_SEND)).isEqualTo(4);
            assertThat(explained.counter(COUNTER_DECIDED_SUPPRESS)).isEqualTo(4);
            assertThat(explained.counter(COUNTER_SUPPRESSED_BASE + Reason.NO_CONSENT.code())).isEqualTo(4);
            assertThat(explained.counter(channelCounter(ChannelType.SMS.code(), CHANNEL_FANNED_OUT))).isEqualTo(4);
            assertThat(explained.counter(channelCounter(ChannelType.CHAT.code(), CHANNEL_FANNED_OUT))).isEqualTo(4);
            assertThat(engine.counters().get(io.dispatch.status.Counter.JOURNAL_RECORDS)).isEqualTo(journaledBefore);

            final CampaignResult started = campaign(c, false, 0, "autumn-sale");
            campaignId = started.id();
            assertThat(campaignId).isPositive();
            final CampaignResult done = awaitDelivered(c, campaignId, 4);
            assertThat(done.state()).isEqualTo(CampaignDescriptor.STATE_FANNED_OUT);
            assertThat(done.counter(COUNTER_SUPPRESSED_BASE + Reason.NO_CONSENT.code())).isEqualTo(4);

            final CampaignResult again = campaign(c, false, 0, "autumn-sale");
            assertThat(again.id()).as("the same name answers the existing campaign").isEqualTo(campaignId);

            final java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + engine.adminPort()
                    + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body())
                .contains("dispatch_directory_recipients 61\n")
                .contains("dispatch_directory_ops_rejected_total 2\n")
                .contains("dispatch_campaign_targeted{id=\"" + campaignId + "\",tenant=\"demo\",campaign=\"autumn-sale\"} 8\n")
                .contains("dispatch_campaign_messages_total{id=\"" + campaignId
                    + "\",tenant=\"demo\",campaign=\"autumn-sale\",channel=\"sms\",outcome=\"delivered\"} 4\n")
                .contains("dispatch_campaign_suppressed_total{id=\"" + campaignId
                    + "\",tenant=\"demo\",campaign=\"autumn-sale\",reason=\"NO_CONSENT\"} 4\n");
        }

        Files.delete(dir.resolve("directory-snapshot").resolve("directory.snap"));
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final CampaignResult byName = stats(c, 0, "autumn-sale");
            assertThat(byName.id()).isEqualTo(campaignId);
            assertThat(byName.state()).isEqualTo(CampaignDescriptor.STATE_FANNED_OUT);
            assertThat(byName.counter(COUNTER_TARGETED)).isEqualTo(8);
            // the counts came back from the message journal
            assertThat(byName.counter(CampaignDescriptor.COUNTER_FANNED_OUT)).isEqualTo(8);
            assertThat(byName.counter(channelCounter(ChannelType.SMS.code(), CHANNEL_DELIVERED))).isEqualTo(4);
            assertThat(byName.counter(COUNTER_SUPPRESSED_BASE + Reason.NO_CONSENT.code())).isEqualTo(4);
            // the directory came back from its journal alone (the snapshot was deleted)
            assertThat(campaign(c, true, 0, "autumn-sale-2").counter(COUNTER_DECIDED_SEND)).isEqualTo(4);
        }
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            assertThat(Files.exists(dir.resolve("directory-snapshot").resolve("directory.snap"))).isTrue();
            assertThat(campaign(c, true, 0, "autumn-sale-3").counter(COUNTER_DECIDED_SEND)).isEqualTo(4);
        }
    }

    @Test
    void shouldRejectBadCampaignsNamingTheField() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> TargetingFrames.campaign(b, 1, false, 0, 0, "x", "", CHAT_THEN_SMS, "gender = ", 3, "promo",
                1, "promo"));
            final RawConnection.Frame badSegment = c.read();
            assertThat(badSegment.type).isEqualTo(MessageType.NACK);
            assertThat(badSegment.detail()).startsWith("segment: ");

            c.send(b -> TargetingFrames.campaign(b, 2, false, 0, 0, "x", "", CHAT_THEN_SMS, "gender = 'F'", 3, "nope",
                1, "promo"));
            assertThat(c.read().detail()).contains("templateId 'nope'");

            c.send(b -> TargetingFrames.campaign(b, 3, false, 0, 0, "x", "", CHAT_THEN_SMS, "gender = 'F'", 1, "promo"));
            assertThat(c.read().detail()).contains("no template for channel chat");

            c.send(b -> TargetingFrames.stats(b, 4, 12345, null));
            assertThat(c.read().detail()).contains("no campaign 12345");

            c.send(b -> TargetingFrames.control(b, 5, 12345, CampaignDescriptor.ACTION_PAUSE));
            assertThat(c.read().detail()).contains("no campaign 12345");
        }
    }

    @Test
    void shouldStartAScheduledCampaignOnTimeAndObeyPauseResumeAndCancel() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final List<byte[]> ops = new ArrayList<>();
            for (int i = 0; i < 600; i++)
            {
                ops.add(recipient(i));
            }
            assertThat(update(c, ops).applied()).isEqualTo(600);
            final byte[] sms = {ChannelType.SMS.code()};

            // r1's phone called the 080 number of sender 0801112222: that sender's campaigns skip it
            assertThat(update(c, List.of(new DirectoryOpWriter().optOut("0801112222", "01012340001", false, 0, "080 call")
                .toBytes())).applied()).isEqualTo(1);
            c.send(b -> TargetingFrames.campaign(b, 69, true, 0, 0, "optout-check", "0801112222", sms,
                "consent('sms')", 1, "promo"));
            final CampaignResult withSender = CampaignResult.of(c.read());
            assertThat(withSender.counter(CampaignDescriptor.COUNTER_SENDER_OPT_OUT)).isEqualTo(1);
            assertThat(withSender.counter(CampaignDescriptor.COUNTER_DECIDED_SEND)).isEqualTo(449);

            final long inOneHour = clock.time() + 3_600_000L;
            c.send(b -> TargetingFrames.campaign(b, 70, false, 0, inOneHour, "later", "", sms, "consent('sms')",
                1, "promo"));
            final CampaignResult scheduled = CampaignResult.of(c.read());
            assertThat(scheduled.state()).isEqualTo(CampaignDescriptor.STATE_SCHEDULED);
            Thread.sleep(100);
            assertThat(stats(c, scheduled.id(), null).counter(COUNTER_TARGETED)).as("not started yet").isZero();
            clock.jump(3_600_000L);
            assertThat(awaitState(c, scheduled.id(), CampaignDescriptor.STATE_FANNED_OUT).counter(COUNTER_TARGETED))
                .isEqualTo(450);

            // 20 messages a second: pause after the first ones, nothing more fans out until resumed
            c.send(b -> TargetingFrames.campaign(b, 71, false, 20, 0, "slow", "", sms, "consent('sms')", 1, "promo"));
            final long slow = CampaignResult.of(c.read()).id();
            Thread.sleep(300);
            c.send(b -> TargetingFrames.control(b, 72, slow, CampaignDescriptor.ACTION_PAUSE));
            assertThat(CampaignResult.of(c.read()).state()).isEqualTo(CampaignDescriptor.STATE_PAUSED);
            Thread.sleep(100);
            final long atPause = awaitSettled(c, slow);
            Thread.sleep(500);
            assertThat(stats(c, slow, null).counter(CampaignDescriptor.COUNTER_FANNED_OUT)).isEqualTo(atPause);
            assertThat(atPause).isBetween(1L, 100L);

            c.send(b -> TargetingFrames.control(b, 73, slow, CampaignDescriptor.ACTION_RESUME));
            assertThat(CampaignResult.of(c.read()).state()).isEqualTo(CampaignDescriptor.STATE_RUNNING);
            Thread.sleep(500);
            c.send(b -> TargetingFrames.control(b, 74, slow, CampaignDescriptor.ACTION_CANCEL));
            assertThat(CampaignResult.of(c.read()).state()).isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            final long atCancel = awaitSettled(c, slow);
            assertThat(atCancel).isGreaterThan(atPause).isLessThan(450);
            Thread.sleep(300);
            assertThat(stats(c, slow, null).counter(CampaignDescriptor.COUNTER_FANNED_OUT)).isEqualTo(atCancel);

            c.send(b -> TargetingFrames.control(b, 75, slow, CampaignDescriptor.ACTION_RESUME));
            final RawConnection.Frame refused = c.read();
            assertThat(refused.type).isEqualTo(MessageType.NACK);
            assertThat(refused.detail()).contains("cancelled");
        }
    }

    /** @return the fanned-out count once it stops moving (messages in the ring are counted when journaled). */
    private long awaitSettled(final RawConnection c, final long id) throws Exception
    {
        long last = -1;
        long now = stats(c, id, null).counter(CampaignDescriptor.COUNTER_FANNED_OUT);
        while (now != last)
        {
            Thread.sleep(50);
            last = now;
            now = stats(c, id, null).counter(CampaignDescriptor.COUNTER_FANNED_OUT);
        }
        return now;
    }

    static CampaignResult awaitState(final RawConnection c, final long id, final int state) throws Exception
    {
        final long end = System.currentTimeMillis() + 30_000;
        CampaignResult r;
        do
        {
            r = stats(c, id, null);
            Thread.sleep(20);
        }
        while (r.state() != state && System.currentTimeMillis() < end);
        assertThat(r.state()).as("campaign %d: %s", id, r).isEqualTo(state);
        return r;
    }

    @Test
    void shouldStopChoosingATokenTheProviderReportedGone() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final byte[] op = new DirectoryOpWriter().upsert("app-user").string("phone", "01055550000")
                .pushToken("fcm", "gone-token-1").consentField("all", 1, 0, 0, "app").toBytes();
            assertThat(update(c, List.of(op)).applied()).isEqualTo(1);
            final byte[] pushThenSms = {ChannelType.PUSH.code(), ChannelType.SMS.code()};
            c.send(b -> TargetingFrames.campaign(b, 90, false, 0, 0, "push-first", "", pushThenSms, "reachable('push')",
                2, "promo", 1, "promo"));
            final long id = CampaignResult.of(c.read()).id();
            final long end = System.currentTimeMillis() + 30_000;
            while (stats(c, id, null).counter(channelCounter(ChannelType.PUSH.code(), CampaignDescriptor.CHANNEL_FAILED)) == 0
                && System.currentTimeMillis() < end)
            {
                Thread.sleep(20);
            }
            // the provider said UNREGISTERED: the directory invalidated the token, so the next run picks SMS
            CampaignResult explained;
            do
            {
                c.send(b -> TargetingFrames.campaign(b, 91, true, 0, 0, "again", "", pushThenSms, "reachable('sms')",
                    2, "promo", 1, "promo"));
                explained = CampaignResult.of(c.read());
            }
            while (explained.counter(channelCounter(ChannelType.SMS.code(), CHANNEL_FANNED_OUT)) == 0
                && System.currentTimeMillis() < end);
            assertThat(explained.counter(channelCounter(ChannelType.SMS.code(), CHANNEL_FANNED_OUT))).isEqualTo(1);
            assertThat(explained.counter(channelCounter(ChannelType.PUSH.code(), CHANNEL_FANNED_OUT))).isZero();
        }
    }

    /** Recipient i: F when even, born 2000 when i % 3 == 0 (26 in 2026) else 1980, VIP when i % 5 == 0,
     *  SMS ad consent unless i % 4 == 0. */
    static byte[] recipient(final int i)
    {
        final DirectoryOpWriter w = new DirectoryOpWriter().upsert("r" + i)
            .string("gender", i % 2 == 0 ? "F" : "M")
            .integer("birth_year", i % 3 == 0 ? 2000 : 1980)
            .string("region", "Seoul")
            .string("phone", String.format("0101234%04d", i));
        if (i % 5 == 0)
        {
            w.addTag("vip");
        }
        if (i % 4 != 0)
        {
            w.consentField("sms", 1, 0, 0, "signup");
        }
        return w.toBytes();
    }

    static DirectoryResult update(final RawConnection c, final List<byte[]> ops) throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.directoryUpdate(b, corr, ops));
        return DirectoryResult.of(c.read());
    }

    private CampaignResult campaign(final RawConnection c, final boolean dryRun, final int pacing, final String name)
        throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.campaign(b, corr, dryRun, pacing, 0, name, "", CHAT_THEN_SMS, SEGMENT,
            3, "promo", 1, "promo"));
        return CampaignResult.of(c.read());
    }

    static CampaignResult stats(final RawConnection c, final long id, final String name) throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.stats(b, corr, id, name));
        return CampaignResult.of(c.read());
    }

    private CampaignResult awaitDelivered(final RawConnection c, final long id, final long delivered) throws Exception
    {
        final long end = System.currentTimeMillis() + 30_000;
        CampaignResult r;
        do
        {
            r = stats(c, id, null);
            if (r.counter(channelCounter(ChannelType.SMS.code(), CHANNEL_DELIVERED)) == delivered)
            {
                return r;
            }
            Thread.sleep(20);
        }
        while (System.currentTimeMillis() < end);
        throw new AssertionError("campaign " + id + " stats stayed " + r);
    }
}
