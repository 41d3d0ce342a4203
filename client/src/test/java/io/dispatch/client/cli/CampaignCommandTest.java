package io.dispatch.client.cli;

import io.dispatch.client.ScriptedPeer;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CampaignCommandTest extends CommandTestBase
{
    @Test
    void shouldStartACampaignFromFlagsAndPrintItsCounters() throws Exception
    {
        peer.campaignRule = f -> new ScriptedPeer.CampaignAnswer(1234, CampaignDescriptor.STATE_RUNNING,
            CampaignDescriptor.COUNTER_TARGETED, 10_000, CampaignDescriptor.COUNTER_FANNED_OUT, 2_500,
            CampaignDescriptor.COUNTER_DECIDED_SEND, 2_400, CampaignDescriptor.COUNTER_DECIDED_SUPPRESS, 100,
            CampaignDescriptor.COUNTER_SUPPRESSED_BASE + Reason.NO_CONSENT.code(), 100,
            CampaignDescriptor.channelCounter(ChannelType.CHAT.code(), CampaignDescriptor.CHANNEL_FANNED_OUT), 2_000,
            CampaignDescriptor.channelCounter(ChannelType.CHAT.code(), CampaignDescriptor.CHANNEL_DELIVERED), 1_900);

        assertThat(run("start", "--name", "spring", "--segment", "region = \"seoul\"", "--channels", "chat,sms",
            "--template", "chat=c1", "--template", "sms=s1", "--pacing", "1000", "--at", "+60",
            "--var", "brand=shop", "--sender", "0801234567")).isEqualTo(0);

        final ByteBuf body = Unpooled.wrappedBuffer(peer.nextFrame(MessageType.CAMPAIGN, 5000).body());
        assertThat(body.getIntLE(CampaignDescriptor.PACING_OFFSET)).isEqualTo(1000);
        assertThat(body.getLongLE(CampaignDescriptor.START_AT_OFFSET)).isEqualTo(1_700_000_060_000L);
        assertThat(stdout()).isEqualTo(String.join(System.lineSeparator(),
            "campaign 1234 RUNNING",
            "  targeted         10,000",
            "  fanned out       2,500 (25.0%)",
            "  send             2,400",
            "  suppress         100",
            "    no_consent     100",
            "  chat             fanned out 2,000, delivered 1,900, failed 0", ""));
    }

    @Test
    void shouldWatchStatsByNameUntilFannedOut() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        final List<Byte> types = new ArrayList<>();
        peer.campaignRule = f ->
        {
            types.add(f.type());
            return new ScriptedPeer.CampaignAnswer(7, calls.incrementAndGet() < 3 ?
                CampaignDescriptor.STATE_RUNNING : CampaignDescriptor.STATE_FANNED_OUT,
                CampaignDescriptor.COUNTER_TARGETED, 10, CampaignDescriptor.COUNTER_FANNED_OUT, calls.get() * 3L);
        };

        assertThat(run("stats", "spring", "--watch", "--interval", "1")).isEqualTo(0);

        assertThat(calls).hasValue(3);
        assertThat(types).containsOnly(MessageType.CAMPAIGN_STATS);
        assertThat(stdout()).contains("campaign 7 RUNNING", "campaign 7 FANNED_OUT");
    }

    @Test
    void shouldControlByIdAndReportNacks() throws Exception
    {
        assertThat(run("pause", "42")).isEqualTo(0);
        final ByteBuf body = Unpooled.wrappedBuffer(peer.nextFrame(MessageType.CAMPAIGN_CONTROL, 5000).body());
        assertThat(body.getLongLE(0)).isEqualTo(42);
        assertThat(body.getByte(8)).isEqualTo(CampaignDescriptor.ACTION_PAUSE);

        peer.autoAnswer = false;
        final Thread answer = new Thread(() ->
        {
            try
            {
                final ScriptedPeer.Frame f = peer.nextFrame(MessageType.CAMPAIGN_CONTROL, 5000);
                f.session().nack(f.correlationId(), ErrorCode.NOT_FOUND, "campaign 43");
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        answer.start();
        assertThat(run("cancel", "43")).isEqualTo(1);
        answer.join();
        assertThat(stderr()).contains("refused: NOT_FOUND (30): campaign 43");
    }

    @Test
    void shouldPrintHowManyAcceptedMessagesACancelEnded() throws Exception
    {
        peer.campaignRule = f -> new ScriptedPeer.CampaignAnswer(42, CampaignDescriptor.STATE_CANCELLED,
            CampaignDescriptor.COUNTER_TARGETED, 5_000, CampaignDescriptor.COUNTER_FANNED_OUT, 5_000,
            CampaignDescriptor.COUNTER_DECIDED_SEND, 5_000, CampaignDescriptor.COUNTER_CANCELLED, 3_800);

        assertThat(run("cancel", "42")).isEqualTo(0);

        assertThat(peer.nextFrame(MessageType.CAMPAIGN_CONTROL, 5000).body()[8])
            .isEqualTo(CampaignDescriptor.ACTION_CANCEL);
        assertThat(stdout()).startsWith("campaign 42 CANCELLED").contains("  cancelled        3,800");
    }

    @Test
    void shouldNameTheFlagOfAUsageError()
    {
        assertThat(run("start", "--name", "x", "--segment", "s", "--channels", "chat,fax")).isEqualTo(2);
        assertThat(stderr()).contains("--channels: 'fax' is not sms, push, chat, talktalk or messenger");
        assertThat(run("start", "--name", "x", "--segment", "s", "--channels", "chat,sms", "--template", "chat=c"))
            .isEqualTo(2);
        assertThat(stderr()).contains("--template: none for channel SMS of the order");
        assertThat(run("stats")).isEqualTo(2);
        assertThat(run("pause", "0")).isEqualTo(2);
        assertThat(stderr()).contains("campaign ID must be a positive number");
        assertThat(peer.sessions).isEmpty();
    }

    private int run(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", String.valueOf(peer.port())));
        return new CampaignCommand(outStream, errStream, Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC)).run(all.toArray(new String[0]));
    }
}
