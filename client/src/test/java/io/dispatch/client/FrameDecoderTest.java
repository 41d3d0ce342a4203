package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameDecoderTest
{
    @Test
    void shouldReassembleSplitFramesAndKeepTheLengthField()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        final ByteBuf wire = Unpooled.buffer();
        ByteBufFrames.ack(wire, 1, 100, Frames.ACK_ACCEPTED);
        ByteBufFrames.credit(wire, 5);

        channel.writeInbound(wire.readRetainedSlice(10));
        final Object partial = channel.readInbound();
        assertThat(partial).as("frame from a partial read").isNull();
        channel.writeInbound(wire.readRetainedSlice(20), wire.readRetainedSlice(wire.readableBytes()));
        wire.release();

        final ByteBuf ack = channel.readInbound();
        final ByteBuf credit = channel.readInbound();
        assertThat(ack.readableBytes()).isEqualTo(Frames.ACK_FRAME_LENGTH);
        assertThat(ack.getIntLE(0)).isEqualTo(Frames.ACK_FRAME_LENGTH - 4);
        assertThat(ack.getByte(5)).isEqualTo(MessageType.ACK);
        assertThat(credit.readableBytes()).isEqualTo(Frames.CREDIT_FRAME_LENGTH);
        assertThat(credit.getIntLE(16)).isEqualTo(5);
        ack.release();
        credit.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void shouldRejectFramesAboveTheCap()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(64));
        final ByteBuf wire = Unpooled.buffer();
        wire.writeIntLE(100);
        wire.writeZero(100);

        assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOf(TooLongFrameException.class);
    }
}
