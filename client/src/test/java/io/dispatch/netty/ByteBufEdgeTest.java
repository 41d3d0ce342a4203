package io.dispatch.netty;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitBatchFlyweight;
import io.dispatch.protocol.SubmitEncoder;
import io.dispatch.protocol.SubmitFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Netty edge of the protocol module: {@link ByteBufView} shows the flyweights a ByteBuf's bytes at the same
 * indexes, whatever kind of buffer it is, and {@link ByteBufFrames} appends exactly the bytes {@link Frames} and
 * {@link SubmitEncoder} write.
 */
class ByteBufEdgeTest
{
    private static final Map<String, String> VARS = Map.of("code", "123456");

    @Test
    void shouldLetTheFlyweightReadABodyInEveryKindOfByteBuf()
    {
        final ByteBuf heap = Unpooled.buffer();
        final ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        final CompositeByteBuf composite = Unpooled.compositeBuffer();
        try
        {
            for (final ByteBuf b : new ByteBuf[] {heap, direct})
            {
                b.writeZero(5); // the body does not start at 0, as in a frame
                final int n = ByteBufFrames.submitBody(b, MessageKind.AUTH, ChannelType.SMS, 30, "k", "010", "otp", "",
                    VARS);
                assertReads(new ByteBufView().wrap(b), 5, n);
                assertReads(new ByteBufView().wrap(b.slice(5, n)), 0, n); // what a frame decoder hands over
            }
            final ByteBuf tail = Unpooled.buffer();
            final int n = ByteBufFrames.submitBody(tail, MessageKind.AUTH, ChannelType.SMS, 30, "k", "010", "otp", "",
                VARS);
            composite.addComponents(true, Unpooled.copiedBuffer(tail.slice(0, 7)), Unpooled.copiedBuffer(tail.slice(7,
                n - 7)));
            tail.release();
            assertReads(new ByteBufView().wrap(composite), 0, n);
        }
        finally
        {
            heap.release();
            direct.release();
            composite.release();
        }
    }

    @Test
    void shouldViewTheBuffersMemoryWithoutCopyingIt()
    {
        final ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try
        {
            direct.writeLongLE(1L);
            final DirectBuffer view = new ByteBufView().wrap(direct);
            direct.setLongLE(0, 42L);
            assertThat(view.getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN)).isEqualTo(42L);
        }
        finally
        {
            direct.release();
        }
    }

    @Test
    void shouldAppendTheSameBytesTheProtocolWrites()
    {
        final ByteBuf out = Unpooled.buffer();
        out.writeByte(0xEE); // appended after what is already there
        ByteBufFrames.nack(out, 7, ErrorCode.INVALID_FIELD, "recipient");
        final int start = ByteBufFrames.beginFrame(out, io.dispatch.protocol.MessageType.SUBMIT, 0, 8);
        ByteBufFrames.submitBody(out, MessageKind.MARKETING, ChannelType.PUSH, 0, "", "token", null, "hi", VARS);
        ByteBufFrames.endFrame(out, start);

        final ExpandableArrayBuffer expected = new ExpandableArrayBuffer();
        expected.putByte(0, (byte)0xEE);
        int p = 1 + Frames.nack(expected, 1, 7, ErrorCode.INVALID_FIELD, "recipient");
        final int body = Frames.beginFrame(expected, p, io.dispatch.protocol.MessageType.SUBMIT, 0, 8);
        final int n = SubmitEncoder.encode(expected, body, MessageKind.MARKETING, ChannelType.PUSH, 0, "", "token", null,
            "hi", VARS);
        p += Frames.endFrame(expected, p, body + n);

        final byte[] want = new byte[p];
        expected.getBytes(0, want);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(want);
        assertThat(out.getIntLE(start)).isEqualTo(FrameDescriptor.HEADER_LENGTH - 4 + n);
        out.release();
    }

    @Test
    void shouldAppendTheSmallFramesAsFramesWritesThemAgainAndAgain()
    {
        final ByteBuf out = Unpooled.buffer();
        final ExpandableArrayBuffer expected = new ExpandableArrayBuffer();
        int p = 0;
        for (int round = 0; round < 2; round++) // the second round reuses the thread's flyweights
        {
            ByteBufFrames.ok(out, 3);
            ByteBufFrames.credit(out, 0xFFFF_FFF0);
            ByteBufFrames.receiptsDropped(out, 17);
            ByteBufFrames.ping(out, 4, -2L);
            ByteBufFrames.pong(out, 5, 99L);
            ByteBufFrames.goodbye(out, 6, 0);
            ByteBufFrames.goodbye(out, 0, ErrorCode.SHUTTING_DOWN.code(), 1_500);
            p += Frames.ok(expected, p, 3);
            p += Frames.credit(expected, p, 0xFFFF_FFF0);
            p += Frames.receiptsDropped(expected, p, 17);
            p += Frames.ping(expected, p, 4, -2L);
            p += Frames.pong(expected, p, 5, 99L);
            p += Frames.goodbye(expected, p, 6, 0);
            p += Frames.goodbye(expected, p, 0, ErrorCode.SHUTTING_DOWN.code(), 1_500);
        }
        final byte[] want = new byte[p];
        expected.getBytes(0, want);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(want);
        out.release();
    }

    @Test
    void shouldFrameASubmitBatchTheFlyweightWalksBack()
    {
        final ByteBuf out = Unpooled.buffer();
        out.writeByte(0xEE);
        final int start = ByteBufFrames.beginSubmitBatch(out, 50, 2);
        final int[] lengths = new int[2];
        for (int i = 0; i < 2; i++)
        {
            final int item = ByteBufFrames.beginBatchItem(out);
            lengths[i] = ByteBufFrames.submitBody(out, MessageKind.AUTH, ChannelType.SMS, 30, "k" + i, "010", "otp",
                "", VARS);
            ByteBufFrames.endBatchItem(out, item);
        }
        ByteBufFrames.endFrame(out, start);

        assertThat(out.getByte(start + FrameDescriptor.TYPE_OFFSET))
            .isEqualTo(io.dispatch.protocol.MessageType.SUBMIT_BATCH);
        assertThat(out.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET)).isEqualTo(50);
        final int body = start + FrameDescriptor.HEADER_LENGTH;
        final SubmitBatchFlyweight batch = new SubmitBatchFlyweight()
            .wrap(new ByteBufView().wrap(out), body, out.writerIndex() - body);
        assertThat(batch.validateHeader()).isNull();
        assertThat(batch.validateItems()).isNull();
        assertThat(batch.count()).isEqualTo(2);
        final int first = batch.firstItem();
        assertThat(batch.itemLength(first)).isEqualTo(lengths[0]);
        assertReads(new ByteBufView().wrap(out), batch.itemBody(first), batch.itemLength(first));
        assertThat(batch.itemLength(batch.nextItem(first))).isEqualTo(lengths[1]);
        out.release();
    }

    private static void assertReads(final DirectBuffer buffer, final int offset, final int length)
    {
        final SubmitFlyweight submit = new SubmitFlyweight();
        assertThat(submit.wrap(buffer, offset, length).validate()).isNull();
        assertThat(submit.ttlSeconds()).isEqualTo(30);
        assertThat(buffer.getStringWithoutLengthUtf8(submit.recipientOffset(), submit.recipientLength()))
            .isEqualTo("010");
        assertThat(submit.vars().find("code".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        assertThat(submit.vars().next()).isTrue();
    }
}
