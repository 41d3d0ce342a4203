package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CAMPAIGN body: written through the flyweight at an offset that is not 0 and read back by a fresh one; the bytes
 * checked at the offsets docs/protocol.md gives; and each broken body refused with the detail the engine answered
 * before the flyweight.
 */
class CampaignFlyweightTest
{
    private static final int AT = 12;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final CampaignFlyweight read = new CampaignFlyweight();

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid campaign with two channels, two templates and one variable; @return its length. */
    private int spring()
    {
        return new CampaignFlyweight().wrapForEncode(buffer, AT)
            .fixed(CampaignDescriptor.FLAG_DRY_RUN, 500, 1_800_000_000_000L, 3600)
            .name(utf8("spring-sale"))
            .senderNumber(utf8("0801234567"))
            .channels(new byte[] {ChannelType.CHAT.code(), ChannelType.SMS.code()})
            .templateCount(2)
            .template(ChannelType.CHAT.code(), utf8("promo_chat"))
            .template(ChannelType.SMS.code(), utf8("promo_sms"))
            .segment(utf8("region = 'seoul'"))
            .varCount(1)
            .var(utf8("brand"), utf8("상점"))
            .encodedLength();
    }

    @Test
    void shouldRoundTripEveryField()
    {
        final int length = spring();

        assertThat(read.wrap(buffer, AT, length).validate()).isNull();
        assertThat(read.dryRun()).isTrue();
        assertThat(read.pacingPerSecond()).isEqualTo(500);
        assertThat(read.startAtEpochMs()).isEqualTo(1_800_000_000_000L);
        assertThat(read.ttlSeconds()).isEqualTo(3600);
        assertThat(read.name()).isEqualTo("spring-sale");
        assertThat(buffer.getStringWithoutLengthUtf8(read.senderNumberOffset(), read.senderNumberLength()))
            .isEqualTo("0801234567");
        assertThat(read.channelCount()).isEqualTo(2);
        assertThat(read.channel(0)).isEqualTo(ChannelType.CHAT.code());
        assertThat(read.channel(1)).isEqualTo(ChannelType.SMS.code());
        assertThat(read.templateCount()).isEqualTo(2);
        final int first = read.firstTemplate();
        assertThat(read.templateChannel(first)).isEqualTo(ChannelType.CHAT.code());
        assertThat(read.templateId(first)).isEqualTo("promo_chat");
        final int second = read.nextTemplate(first);
        assertThat(read.templateChannel(second)).isEqualTo(ChannelType.SMS.code());
        assertThat(read.templateId(second)).isEqualTo("promo_sms");
        assertThat(read.segment()).isEqualTo("region = 'seoul'");
        assertThat(read.varCount()).isEqualTo(1);
        final int v = read.firstVar();
        assertThat(buffer.getStringWithoutLengthUtf8(read.varNameOffset(v), read.varNameLength(v))).isEqualTo("brand");
        assertThat(buffer.getStringWithoutLengthUtf8(read.varValueOffset(v), read.varValueLength(v)))
            .isEqualTo("상점");
        assertThat(read.nextVar(v)).as("the end of the body").isEqualTo(AT + length);
    }

    @Test
    void shouldPutTheFieldsAtTheDocumentedOffsets()
    {
        final int length = spring();
        // 0 u16 flags, 2 u16 reserved, 4 u32 pacing, 8 i64 startAt, 16 u32 ttl, 20 str8 name, str8 sender, ...
        assertThat(buffer.getShort(AT, LE)).isEqualTo((short)CampaignDescriptor.FLAG_DRY_RUN);
        assertThat(buffer.getShort(AT + 2, LE)).isZero();
        assertThat(buffer.getInt(AT + 4, LE)).isEqualTo(500);
        assertThat(buffer.getLong(AT + 8, LE)).isEqualTo(1_800_000_000_000L);
        assertThat(buffer.getInt(AT + 16, LE)).isEqualTo(3600);
        assertThat(buffer.getByte(AT + 20)).isEqualTo((byte)11);
        assertThat(buffer.getStringWithoutLengthAscii(AT + 21, 11)).isEqualTo("spring-sale");
        assertThat(buffer.getByte(AT + 32)).isEqualTo((byte)10);
        final int channels = AT + 43;
        assertThat(buffer.getByte(channels)).as("channelCount").isEqualTo((byte)2);
        assertThat(buffer.getByte(channels + 1)).isEqualTo(ChannelType.CHAT.code());
        assertThat(buffer.getByte(channels + 3)).as("templateCount").isEqualTo((byte)2);
        assertThat(buffer.getByte(channels + 4)).as("first template's channel").isEqualTo(ChannelType.CHAT.code());
        assertThat(buffer.getByte(channels + 5)).as("its id's length").isEqualTo((byte)10);
        final int segment = channels + 6 + 10 + 2 + 9;
        assertThat(buffer.getShort(segment, LE)).as("str16 segment").isEqualTo((short)16);
        assertThat(buffer.getByte(segment + 18)).as("varCount").isEqualTo((byte)1);
        assertThat(segment + 19 + 1 + 5 + 2 + utf8("상점").length).isEqualTo(AT + length);
    }

    @Test
    void shouldRefuseBrokenBodiesWithTheFieldNamed()
    {
        final int length = spring();
        assertThat(read.wrap(buffer, AT, 20).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("CAMPAIGN body shorter than 21 bytes");
        assertThat(read.wrap(buffer, AT, length - 1).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("var value truncated");
        assertThat(read.wrap(buffer, AT, 40).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("senderNumber truncated");

        buffer.putByte(length + AT, (byte)0);
        assertThat(read.wrap(buffer, AT, length + 1).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("bytes after the last variable");

        buffer.putShort(AT, (short)2, LE);
        assertThat(read.wrap(buffer, AT, length).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("flags (only bit 0, dry run, is defined)");
        buffer.putShort(AT, (short)0, LE);

        buffer.putInt(AT + 4, 10_000_001, LE);
        assertThat(read.wrap(buffer, AT, length).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("pacingPerSecond above 10,000,000");
        buffer.putInt(AT + 4, 0, LE);

        buffer.putByte(AT + 21, (byte)0xFF);
        assertThat(read.wrap(buffer, AT, length).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("name: not valid UTF-8");
        buffer.putByte(AT + 21, (byte)'s');

        buffer.putByte(AT + 45, ChannelType.CHAT.code());
        assertThat(read.wrap(buffer, AT, length).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("channel 3 (1 sms, 2 push, 3 chat; each once)");
        buffer.putByte(AT + 45, ChannelType.SMS.code());

        buffer.putByte(AT + 43, (byte)4);
        assertThat(read.wrap(buffer, AT, length).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(read.problem()).isEqualTo("channelCount 4 (1..3)");
        buffer.putByte(AT + 43, (byte)2);

        assertThat(read.wrap(buffer, AT, length).validate()).as("restored").isNull();
    }

    @Test
    void shouldReadAnEmptyVariableListAndSender()
    {
        final UnsafeBuffer raw = new UnsafeBuffer(new byte[64]);
        int p = CampaignFlyweight.NAME_OFFSET;
        raw.putByte(p++, (byte)1);
        raw.putByte(p++, (byte)'x');
        raw.putByte(p++, (byte)0); // no sender
        raw.putByte(p++, (byte)1);
        raw.putByte(p++, ChannelType.SMS.code());
        raw.putByte(p++, (byte)1);
        raw.putByte(p++, ChannelType.SMS.code());
        raw.putByte(p++, (byte)1);
        raw.putByte(p++, (byte)'t');
        raw.putShort(p, (short)1, LE);
        p += 2;
        raw.putByte(p++, (byte)'*');
        raw.putByte(p++, (byte)0); // no variables
        assertThat(read.wrap(raw, 0, p).validate()).isNull();
        assertThat(read.name()).isEqualTo("x");
        assertThat(read.senderNumberLength()).isZero();
        assertThat(read.templateId(read.firstTemplate())).isEqualTo("t");
        assertThat(read.segment()).isEqualTo("*");
        assertThat(read.varCount()).isZero();
        assertThat(read.pacingPerSecond()).isZero();
    }

    @Test
    void shouldRoundTripACampaignControlAtTheDocumentedOffsets()
    {
        final int length = Frames.campaignControl(buffer, AT, 5, 1L << 40 | 7, CampaignDescriptor.ACTION_CANCEL);
        assertThat(length).isEqualTo(FrameDescriptor.HEADER_LENGTH + CampaignControlFlyweight.BODY_LENGTH);
        final int body = AT + FrameDescriptor.HEADER_LENGTH;
        assertThat(buffer.getByte(AT + FrameDescriptor.TYPE_OFFSET)).isEqualTo(MessageType.CAMPAIGN_CONTROL);
        // u64 campaignId, u8 action
        assertThat(buffer.getLong(body, LE)).isEqualTo(1L << 40 | 7);
        assertThat(buffer.getByte(body + 8)).isEqualTo(CampaignDescriptor.ACTION_CANCEL);

        final CampaignControlFlyweight r = new CampaignControlFlyweight().wrap(buffer, body, 9);
        assertThat(r.validate()).isNull();
        assertThat(r.campaignId()).isEqualTo(1L << 40 | 7);
        assertThat(r.action()).isEqualTo(CampaignDescriptor.ACTION_CANCEL);
        assertThat(r.wrap(buffer, body, 10).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("CAMPAIGN_CONTROL body must be 9 bytes");
    }

    @Test
    void shouldRoundTripACampaignStatsByIdAndByName()
    {
        final int body = AT + FrameDescriptor.HEADER_LENGTH;
        final CampaignStatsFlyweight r = new CampaignStatsFlyweight();
        int length = Frames.campaignStats(buffer, AT, 5, 42, null) - FrameDescriptor.HEADER_LENGTH;
        assertThat(length).as("u64 campaignId, empty str8 name").isEqualTo(9);
        assertThat(r.wrap(buffer, body, length).validate()).isNull();
        assertThat(r.campaignId()).isEqualTo(42);

        length = Frames.campaignStats(buffer, AT, 6, 0, "spring-세일") - FrameDescriptor.HEADER_LENGTH;
        assertThat(buffer.getLong(body, LE)).isZero();
        assertThat(buffer.getByte(body + 8)).isEqualTo((byte)utf8("spring-세일").length);
        assertThat(r.wrap(buffer, body, length).validate()).isNull();
        assertThat(r.hasName()).isTrue();
        assertThat(r.name()).isEqualTo("spring-세일");
        assertThat(r.wrap(buffer, body, length - 1).hasName()).as("a name cut short is no name").isFalse();
        assertThat(r.wrap(buffer, body, 8).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("CAMPAIGN_STATS body shorter than 9 bytes");
    }
}
