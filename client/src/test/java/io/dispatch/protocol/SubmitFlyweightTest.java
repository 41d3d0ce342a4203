package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SubmitFlyweightTest
{
    private final SubmitFlyweight flyweight = new SubmitFlyweight();

    @Test
    void shouldReadBackEveryFieldOfAnEncodedSubmit()
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = SubmitEncoder.encode(b, MessageKind.MARKETING, ChannelType.PUSH, 60, "key-1", "token",
            "promo", "", Map.of("offer", "10%"));
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
        assertThat(MessageKind.of(flyweight.kindCode())).isEqualTo(MessageKind.MARKETING);
        assertThat(ChannelType.of(flyweight.channelCode())).isEqualTo(ChannelType.PUSH);
        assertThat(flyweight.ttlSeconds()).isEqualTo(60);
        assertThat(b.toString(flyweight.keyOffset(), flyweight.keyLength(), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("key-1");
        assertThat(flyweight.templateLength()).isEqualTo(5);
        assertThat(flyweight.varCount()).isEqualTo(1);
    }

    @Test
    void shouldRejectEveryTruncationOfAValidBody()
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = SubmitEncoder.encode(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "k", "01012345678",
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
        final ByteBuf b = Unpooled.buffer();
        final int n = SubmitEncoder.encode(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", "010", null, "hi", null);
        b.setByte(SubmitDescriptor.CHANNEL_OFFSET, 7);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(flyweight.invalidField()).isEqualTo("channel");
        b.setByte(SubmitDescriptor.CHANNEL_OFFSET, 1);
        b.setShortLE(SubmitDescriptor.FLAGS_OFFSET, SubmitDescriptor.FLAG_DRY_RUN);
        assertThat(flyweight.wrap(b, 0, n).validate()).isNull();
        assertThat(flyweight.isDryRun()).isTrue();
        b.setShortLE(SubmitDescriptor.FLAGS_OFFSET, 2);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.UNSUPPORTED_FEATURE);
        assertThat(flyweight.invalidField()).startsWith("flags");
        b.setShortLE(SubmitDescriptor.FLAGS_OFFSET, 0);
        b.setLongLE(SubmitDescriptor.SEND_AT_OFFSET, -5);
        assertThat(flyweight.wrap(b, 0, n).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(flyweight.invalidField()).isEqualTo("sendAtEpochMs");
        b.setLongLE(SubmitDescriptor.SEND_AT_OFFSET, 0);
        b.writeByte(0);
        assertThat(flyweight.wrap(b, 0, n + 1).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(flyweight.invalidField()).contains("trailing");
    }

    @Test
    void shouldMatchTheWireExampleInTheProtocolDocument()
    {
        final ByteBuf b = Unpooled.buffer();
        final int start = Frames.beginFrame(b, MessageType.SUBMIT, 0, 7);
        SubmitEncoder.encode(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "k1", "01012345678", null, "hi", null);
        Frames.endFrame(b, start);
        final StringBuilder hex = new StringBuilder();
        for (int i = 0; i < b.readableBytes(); i++)
        {
            hex.append(String.format("%02x", b.getUnsignedByte(i)));
        }
        assertThat(hex.toString()).isEqualTo(
            "31000000" + "01100000" + "0700000000000000"
            + "01010000" + "00000000" + "0000000000000000"
            + "026b31" + "0b3031303132333435363738" + "00" + "02006869" + "00");
    }
}
