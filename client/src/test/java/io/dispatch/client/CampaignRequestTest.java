package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CampaignRequestTest extends PeerTestBase
{
    private static Campaign.Builder spring()
    {
        return Campaign.builder().name("spring-sale").segment("region = 'seoul' and tag('vip')")
            .channels(ChannelType.CHAT, ChannelType.SMS)
            .template(ChannelType.CHAT, "promo_chat").template(ChannelType.SMS, "promo_sms");
    }

    @Test
    void shouldEncodeTheCampaignBodyAsTheDescriptorSays() throws Exception
    {
        final Campaign campaign = spring().pacingPerSecond(500).startAt(1_800_000_000_000L).ttlSeconds(3600)
            .senderNumber("0801234567").var("brand", "상점").dryRun(true).build();
        final DispatchClient client = connect(config());
        client.startCampaign(campaign).get(5, TimeUnit.SECONDS);

        final ByteBuf b = Unpooled.wrappedBuffer(peer.nextFrame(MessageType.CAMPAIGN, 5000).body());
        assertThat(b.readUnsignedShortLE()).isEqualTo(CampaignDescriptor.FLAG_DRY_RUN);
        assertThat(b.readUnsignedShortLE()).isZero();
        assertThat(b.readIntLE()).isEqualTo(500);
        assertThat(b.readLongLE()).isEqualTo(1_800_000_000_000L);
        assertThat(b.readIntLE()).isEqualTo(3600);
        assertThat(str8(b)).isEqualTo("spring-sale");
        assertThat(str8(b)).isEqualTo("0801234567");
        assertThat(b.readUnsignedByte()).isEqualTo((short)2);
        assertThat(b.readByte()).isEqualTo(ChannelType.CHAT.code());
        assertThat(b.readByte()).isEqualTo(ChannelType.SMS.code());
        assertThat(b.readUnsignedByte()).isEqualTo((short)2);
        assertThat(b.readByte()).isEqualTo(ChannelType.CHAT.code());
        assertThat(str8(b)).isEqualTo("promo_chat");
        assertThat(b.readByte()).isEqualTo(ChannelType.SMS.code());
        assertThat(str8(b)).isEqualTo("promo_sms");
        assertThat(b.readCharSequence(b.readUnsignedShortLE(), StandardCharsets.UTF_8))
            .hasToString("region = 'seoul' and tag('vip')");
        assertThat(b.readUnsignedByte()).isEqualTo((short)1);
        assertThat(str8(b)).isEqualTo("brand");
        assertThat(b.readCharSequence(b.readUnsignedShortLE(), StandardCharsets.UTF_8)).hasToString("상점");
        assertThat(b.isReadable()).isFalse();
    }

    @Test
    void shouldDecodeStateAndCountersWithReadableAccessors() throws Exception
    {
        peer.campaignRule = f -> new ScriptedPeer.CampaignAnswer(77, CampaignDescriptor.STATE_RUNNING,
            CampaignDescriptor.COUNTER_TARGETED, 1000,
            CampaignDescriptor.COUNTER_FANNED_OUT, 400,
            CampaignDescriptor.COUNTER_UNREACHABLE, 12,
            CampaignDescriptor.channelCounter(ChannelType.CHAT.code(), CampaignDescriptor.CHANNEL_FANNED_OUT), 300,
            CampaignDescriptor.channelCounter(ChannelType.SMS.code(), CampaignDescriptor.CHANNEL_DELIVERED), 90,
            CampaignDescriptor.COUNTER_SUPPRESSED_BASE + Reason.NO_CONSENT.code(), 30,
            CampaignDescriptor.COUNTER_SUPPRESSED_BASE + Reason.FREQUENCY_CAPPED.code(), 5);
        final DispatchClient client = connect(config());

        final CampaignResult r = client.campaignStats(77).get(5, TimeUnit.SECONDS);

        assertThat(r.campaignId()).isEqualTo(77);
        assertThat(r.state()).isEqualTo(CampaignState.RUNNING);
        assertThat(r.targeted()).isEqualTo(1000);
        assertThat(r.fannedOut()).isEqualTo(400);
        assertThat(r.unreachable()).isEqualTo(12);
        assertThat(r.senderOptOut()).isZero();
        assertThat(r.fannedOut(ChannelType.CHAT)).isEqualTo(300);
        assertThat(r.delivered(ChannelType.SMS)).isEqualTo(90);
        assertThat(r.suppressedByReason()).isEqualTo(Map.of(Reason.NO_CONSENT, 30L, Reason.FREQUENCY_CAPPED, 5L));
    }

    @Test
    void shouldSendControlAndStatsByIdAndByName() throws Exception
    {
        final DispatchClient client = connect(config());
        client.controlCampaign(42, CampaignAction.PAUSE).get(5, TimeUnit.SECONDS);
        client.campaignStats("spring-sale").get(5, TimeUnit.SECONDS);

        final ByteBuf control = Unpooled.wrappedBuffer(peer.nextFrame(MessageType.CAMPAIGN_CONTROL, 5000).body());
        assertThat(control.readLongLE()).isEqualTo(42);
        assertThat(control.readByte()).isEqualTo(CampaignDescriptor.ACTION_PAUSE);
        final ByteBuf stats = Unpooled.wrappedBuffer(peer.nextFrame(MessageType.CAMPAIGN_STATS, 5000).body());
        assertThat(stats.readLongLE()).isZero();
        assertThat(str8(stats)).isEqualTo("spring-sale");
    }

    @Test
    void shouldFailWithTheEnginesNack() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config());
        final var pending = client.campaignStats(9);
        final ScriptedPeer.Frame f = peer.nextFrame(MessageType.CAMPAIGN_STATS, 5000);
        f.session().nack(f.correlationId(), ErrorCode.NOT_FOUND, "campaign 9");

        assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(DispatchException.class, ex ->
                assertThat(ex.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void shouldNameTheFieldOutOfItsLimits()
    {
        assertThatThrownBy(() -> spring().name("").build()).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> spring().channels().build()).hasMessageStartingWith("channels:");
        assertThatThrownBy(() -> spring().channels(ChannelType.CHAT, ChannelType.PUSH).build())
            .hasMessageContaining("none for channel PUSH");
        assertThatThrownBy(() -> spring().template(ChannelType.PUSH, "p").build())
            .hasMessageContaining("PUSH is not in the channel order");
        assertThatThrownBy(() -> spring().senderNumber("1".repeat(33)).build()).hasMessageStartingWith("senderNumber:");
        assertThatThrownBy(() -> spring().segment("s".repeat(4001)).build()).hasMessageStartingWith("segment:");
    }

    private static String str8(final ByteBuf b)
    {
        return b.readCharSequence(b.readUnsignedByte(), StandardCharsets.UTF_8).toString();
    }
}
