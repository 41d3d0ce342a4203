package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubmitFlyweightTest
{
    private final SubmitFlyweight flyweight = new SubmitFlyweight();

    @Test
    void shouldReadBackEveryFieldOfAnEncodedSubmit()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        final int n = SubmitEncoder.encode(b, 0, MessageKind.MARKETING, ChannelType.PUSH, 60, "key-1", "token",
            "promo", "", Map.of("offer", "10%"));
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
        assertThat(MessageKind.of(flyweight.kindCode())).isEqualTo(MessageKind.MARKETING);
        assertThat(ChannelType.of(flyweight.channelCode())).isEqualTo(ChannelType.PUSH);
        assertThat(flyweight.ttlSeconds()).isEqualTo(60);
        assertThat(b.getStringWithoutLengthUtf8(flyweight.keyOffset(), flyweight.keyLength())).isEqualTo("key-1");
        assertThat(flyweight.templateLength()).isEqualTo(5);
        assertThat(flyweight.varCount()).isEqualTo(1);
    }

    @Test
    void shouldRoundTripEveryFieldAndVariableThroughTheFlyweightEncoder()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        b.setMemory(0, 64, (byte)0x5A); // garbage the encoder must overwrite, and a body that does not start at 0
        final int at = 7;
        final int n = flyweight.wrapForEncode(b, at)
            .kindCode(MessageKind.INFORMATIONAL.code())
            .channelCode(ChannelType.CHAT.code())
            .flags(SubmitDescriptor.FLAG_DRY_RUN)
            .ttlSeconds(90)
            .sendAtEpochMs(1_800_000_000_123L)
            .idempotencyKey(bytes("order-17"), 0, 8)
            .recipient(bytes("01012345678"), 0, 11)
            .templateId(bytes("shipped"), 0, 7)
            .textWritten(0)
            .varCount(3)
            .varName(bytes("name"), 0, 4).varValue(bytes("김철수"), 0, "김철수".getBytes(StandardCharsets.UTF_8).length)
            .varName(bytes("empty"), 0, 5).varValue(bytes(""), 0, 0)
            .varName(bytes("n"), 0, 1).varValue(bytes("42"), 0, 2)
            .encodedLength();

        final SubmitFlyweight read = new SubmitFlyweight();
        assertThat(read.wrap(b, at, n).validate()).isNull();
        assertThat(read.kindCode()).isEqualTo(MessageKind.INFORMATIONAL.code());
        assertThat(read.channelCode()).isEqualTo(ChannelType.CHAT.code());
        assertThat(read.isDryRun()).isTrue();
        assertThat(read.ttlSeconds()).isEqualTo(90);
        assertThat(read.sendAtEpochMs()).isEqualTo(1_800_000_000_123L);
        assertThat(string(b, read.keyOffset(), read.keyLength())).isEqualTo("order-17");
        assertThat(string(b, read.recipientOffset(), read.recipientLength())).isEqualTo("01012345678");
        assertThat(string(b, read.templateOffset(), read.templateLength())).isEqualTo("shipped");
        assertThat(read.textLength()).isZero();
        assertThat(vars(read)).containsExactly(Map.entry("name", "김철수"), Map.entry("empty", ""), Map.entry("n", "42"));
        // the encoder's own accessors describe what it wrote, as the reader sees it
        assertThat(flyweight.varsOffset()).isEqualTo(read.varsOffset());
        assertThat(flyweight.recipientOffset()).isEqualTo(read.recipientOffset());
    }

    @Test
    void shouldWriteFieldsInPlaceAndCommitTheirLength()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[SubmitDescriptor.MAX_BODY_LENGTH]);
        flyweight.wrapForEncode(b, 0).kindCode(MessageKind.MARKETING.code()).channelCode(ChannelType.SMS.code());
        final int keyAt = flyweight.str8ValueAt();
        final int keyLength = b.putStringWithoutLengthAscii(keyAt, "c9/3");
        flyweight.idempotencyKeyWritten(keyLength);
        b.putStringWithoutLengthAscii(flyweight.str8ValueAt(), "010");
        flyweight.recipientWritten(3).templateIdWritten(0);
        b.putStringWithoutLengthAscii(flyweight.str16ValueAt(), "hello");
        flyweight.textWritten(5).varCount(1);
        b.putStringWithoutLengthAscii(flyweight.str8ValueAt(), "x");
        flyweight.varNameWritten(1);
        b.putStringWithoutLengthAscii(flyweight.str16ValueAt(), "y");
        final int n = flyweight.varValueWritten(1).encodedLength();

        final MutableDirectBuffer reference = new ExpandableArrayBuffer();
        final int m = SubmitEncoder.encode(reference, 0, MessageKind.MARKETING, ChannelType.SMS, 0, "c9/3", "010",
            null, "hello", Map.of("x", "y"));
        assertThat(n).isEqualTo(m);
        for (int i = 0; i < n; i++)
        {
            assertThat(b.getByte(i)).as("byte %d", i).isEqualTo(reference.getByte(i));
        }
    }

    @Test
    void shouldRefuseToEncodeAFieldItsLengthPrefixCannotHold()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        flyweight.wrapForEncode(b, 0);
        assertThatThrownBy(() -> flyweight.idempotencyKeyWritten(256)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("str8");
        flyweight.idempotencyKeyWritten(0).recipientWritten(255).templateIdWritten(0);
        assertThatThrownBy(() -> flyweight.textWritten(65_536)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("str16");
        assertThat(flyweight.encodedLength()).as("nothing committed by a refused field")
            .isEqualTo(SubmitDescriptor.FIXED_LENGTH + 1 + 1 + 255 + 1);
    }

    @Test
    void shouldFindAVariableByNameAndStopAtTheEnd()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("a", "1");
        vars.put(FallbackDeadline.VARIABLE, "30000");
        vars.put("b", "2");
        final int n = SubmitEncoder.encode(b, 0, MessageKind.INFORMATIONAL, ChannelType.PUSH, 0, "", "tok", null,
            "hi", vars);
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
        final VarCursor cursor = flyweight.vars();
        assertThat(cursor.find("b".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(cursor.value()).isEqualTo("2");
        assertThat(cursor.next()).isFalse();
        assertThat(flyweight.vars().find("missing".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(FallbackDeadline.of(flyweight)).isEqualTo(30_000L);
    }

    @Test
    void shouldRejectEveryTruncationOfAValidBody()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        final int n = SubmitEncoder.encode(b, 0, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "k", "01012345678",
            "otp", "", Map.of("code", "1234", "service", "x"));
        for (int cut = 0; cut < n; cut++)
        {
            assertThat(flyweight.wrap(b, 0, cut).validate()).as("cut at %d", cut).isNotNull();
        }
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
    }

    @Test
    void shouldNameTheInvalidField()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        final int n = SubmitEncoder.encode(b, 0, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", "010", null, "hi",
            null);
        b.putByte(SubmitDescriptor.CHANNEL_OFFSET, (byte)7);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(flyweight.invalidField()).isEqualTo("channel");
        b.putByte(SubmitDescriptor.CHANNEL_OFFSET, (byte)1);
        b.putShort(SubmitDescriptor.FLAGS_OFFSET, (short)SubmitDescriptor.FLAG_DRY_RUN, ByteOrder.LITTLE_ENDIAN);
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
        assertThat(flyweight.isDryRun()).isTrue();
        b.putShort(SubmitDescriptor.FLAGS_OFFSET, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.UNSUPPORTED_FEATURE);
        assertThat(flyweight.invalidField()).startsWith("flags");
        b.putShort(SubmitDescriptor.FLAGS_OFFSET, (short)0, ByteOrder.LITTLE_ENDIAN);
        b.putLong(SubmitDescriptor.SEND_AT_OFFSET, -5, ByteOrder.LITTLE_ENDIAN);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(flyweight.invalidField()).isEqualTo("sendAtEpochMs");
        b.putLong(SubmitDescriptor.SEND_AT_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        b.putByte(n, (byte)0);
        assertThat(flyweight.wrap(b, 0, n + 1).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(flyweight.invalidField()).contains("trailing");
    }

    @Test
    void shouldMatchTheWireExampleInTheProtocolDocument()
    {
        final MutableDirectBuffer b = new ExpandableArrayBuffer();
        final int body = Frames.beginFrame(b, 0, MessageType.SUBMIT, 0, 7);
        final int n = SubmitEncoder.encode(b, body, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "k1", "01012345678",
            null, "hi", null);
        final int frameLength = Frames.endFrame(b, 0, body + n);
        final StringBuilder hex = new StringBuilder();
        for (int i = 0; i < frameLength; i++)
        {
            hex.append(String.format("%02x", b.getByte(i) & 0xFF));
        }
        assertThat(hex.toString()).isEqualTo(
            "31000000" + "01100000" + "0700000000000000"
            + "01010000" + "00000000" + "0000000000000000"
            + "026b31" + "0b3031303132333435363738" + "00" + "02006869" + "00");
    }

    private static UnsafeBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(final MutableDirectBuffer b, final int offset, final int length)
    {
        return b.getStringWithoutLengthUtf8(offset, length);
    }

    private static Map<String, String> vars(final SubmitFlyweight submit)
    {
        final Map<String, String> out = new LinkedHashMap<>();
        final VarCursor cursor = submit.vars();
        while (cursor.next())
        {
            out.put(cursor.name(), cursor.value());
        }
        return out;
    }
}
