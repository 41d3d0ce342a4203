package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubmitWriterTest
{
    @Test
    void shouldEncodeTheExampleFrameOfProtocolMd()
    {
        final ByteBuf out = Unpooled.buffer();
        SubmitWriter.writeSubmit(out, 7, Submit.builder().to("01012345678").text("hi").key("k1").build());

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo((
            "31000000 01100000 0700000000000000" +
            "01010000 00000000 0000000000000000" +
            "026b31" +
            "0b3031303132333435363738" +
            "00" +
            "02006869" +
            "00").replace(" ", ""));
    }

    @Test
    void shouldMatchTheProtocolEncoderAndPassValidation()
    {
        final Submit submit = Submit.builder()
            .kind(MessageKind.AUTH)
            .channel(ChannelType.CHAT)
            .to("user-ü-42")
            .template("otp")
            .var("code", "123456")
            .var("name", "Jürgen ✓")
            .key("order-42")
            .ttlSeconds(300)
            .build();
        final ByteBuf mine = Unpooled.buffer();
        final ByteBuf reference = Unpooled.buffer();

        SubmitWriter.writeBody(mine, submit);
        ByteBufFrames.submitBody(reference, MessageKind.AUTH, ChannelType.CHAT, 300, "order-42", "user-ü-42", "otp", "",
            submit.vars());

        assertThat(ByteBufUtil.hexDump(mine)).isEqualTo(ByteBufUtil.hexDump(reference));
        assertThat(mine.readableBytes()).isEqualTo(submit.encodedLength());
        final SubmitFlyweight flyweight =
            new SubmitFlyweight().wrap(new ByteBufView().wrap(mine), 0, mine.readableBytes());
        assertThat(flyweight.validate()).isNull();
        assertThat(flyweight.varCount()).isEqualTo(2);
    }

    @Test
    void shouldNumberBatchItemsFromOneHeader()
    {
        final SubmitRequest[] items = {
            new SubmitRequest(Submit.builder().to("a").text("x").build(), null),
            new SubmitRequest(Submit.builder().to("bb").text("yy").build(), null)};
        final ByteBuf out = Unpooled.buffer();

        SubmitWriter.writeBatch(out, 40, items, 2);

        assertThat(out.getIntLE(0)).isEqualTo(out.readableBytes() - 4);
        assertThat(out.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET)).isEqualTo(40);
        assertThat(out.getUnsignedShortLE(16)).isEqualTo(2);
        final int first = out.getUnsignedShortLE(20);
        assertThat(first).isEqualTo(items[0].submit.encodedLength());
        assertThat(out.getUnsignedShortLE(22 + first)).isEqualTo(items[1].submit.encodedLength());
        assertThat(out.readableBytes())
            .isEqualTo(SubmitWriter.BATCH_OVERHEAD + 4 + first + items[1].submit.encodedLength());
    }
}
