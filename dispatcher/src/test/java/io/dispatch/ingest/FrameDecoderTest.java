package io.dispatch.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest
{
    private static final int MAX_FRAME_LENGTH = 200_000;

    private final List<byte[]> frames = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<ByteBuf> written = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH), new Recorder());

    @Test
    void shouldCutCoalescedFramesOutOfOneRead()
    {
        final byte[] a = frame(12, 1);
        final byte[] b = frame(40, 2);
        final byte[] c = frame(300, 3);

        read(concat(a, b, c));

        assertThat(frames).containsExactly(a, b, c);
        assertAllReleased();
    }

    @Test
    void shouldJoinFramesSplitAtEveryByte()
    {
        final byte[] a = frame(12, 1);
        final byte[] b = frame(100, 2);
        final byte[] stream = concat(a, b);

        for (final byte x : stream)
        {
            read(new byte[]{ x });
        }

        assertThat(frames).containsExactly(a, b);
        assertAllReleased();
    }

    @Test
    void shouldDeliverEveryFrameOfARandomlyCutStreamInOrder()
    {
        final Random random = new Random(42);
        final List<byte[]> sent = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < 500; i++)
        {
            // mostly SUBMIT-sized frames, a few larger than the buffer the decoder keeps for split frames
            final int bodyLength = i % 97 == 0 ? 100_000 + random.nextInt(90_000) : random.nextInt(400);
            final byte[] f = frame(bodyLength, i);
            sent.add(f);
            total += f.length;
        }
        final byte[] stream = concat(sent.toArray(new byte[0][]));

        int p = 0;
        while (p < total)
        {
            final int n = Math.min(total - p, 1 + random.nextInt(random.nextBoolean() ? 16 : 70_000));
            final byte[] chunk = new byte[n];
            System.arraycopy(stream, p, chunk, 0, n);
            read(chunk);
            p += n;
        }

        assertThat(frames).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++)
        {
            assertThat(frames.get(i)).as("frame %d", i).isEqualTo(sent.get(i));
        }
        assertThat(errors).isEmpty();
        assertAllReleased();
    }

    @Test
    void shouldAcceptAFrameOfExactlyTheCap()
    {
        final byte[] f = frame(MAX_FRAME_LENGTH - 4 - 12, 7);
        assertThat(f).hasSize(MAX_FRAME_LENGTH);

        read(f);

        assertThat(frames).containsExactly(f);
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldReportAnOversizeLengthAtOnceAndDropEverythingAfter()
    {
        final byte[] good = frame(20, 1);
        final byte[] tooLongHeader = new byte[8];
        Unpooled.wrappedBuffer(tooLongHeader).setIntLE(0, MAX_FRAME_LENGTH - 4 + 1);

        read(concat(good, tooLongHeader));
        read(frame(20, 2));

        assertThat(frames).containsExactly(good);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).isInstanceOf(TooLongFrameException.class).hasMessageContaining("200001");
        assertAllReleased();
    }

    @Test
    void shouldReportAnOversizeLengthSplitAcrossReads()
    {
        final byte[] length = new byte[4];
        Unpooled.wrappedBuffer(length).setIntLE(0, 0xFFFF_FFF0); // u32, far above any int

        read(new byte[]{ length[0], length[1] });
        read(new byte[]{ length[2], length[3], 1, 2, 3 });

        assertThat(frames).isEmpty();
        assertThat(errors).singleElement().isInstanceOf(TooLongFrameException.class);
        assertAllReleased();
    }

    @Test
    void shouldPassAFrameBelowTheHeaderLengthForTheSessionToRefuse()
    {
        final byte[] tiny = { 0, 0, 0, 0 };

        read(tiny);

        assertThat(frames).containsExactly(tiny);
    }

    @Test
    void parkedFramesShouldBeCopiesThatOutliveTheReusedView()
    {
        final ByteBuf read = Unpooled.buffer().writeBytes(concat(frame(12, 1), frame(12, 2)));
        final ParkedRequests parked = new ParkedRequests();
        read.setIndex(0, 16).retain(); // the view of the first frame, as the decoder hands it on

        parked.add(read);
        read.setIndex(16, 32); // the decoder moves on to the next frame
        read.setLongLE(8, 99); // and the read buffer is reused: the first frame's bytes change

        assertThat(read.refCnt()).isEqualTo(1);
        final ByteBuf head = parked.head();
        assertThat(head.readableBytes()).isEqualTo(16);
        assertThat(head.getLongLE(head.readerIndex() + 8)).isEqualTo(1);
        parked.releaseAll();
        assertThat(head.refCnt()).isZero();
        read.release();
    }

    private void read(final byte[] bytes)
    {
        final ByteBuf b = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        written.add(b);
        channel.writeInbound(b);
    }

    private void assertAllReleased()
    {
        for (final ByteBuf b : written)
        {
            assertThat(b.refCnt()).isZero();
        }
    }

    /** A frame as the wire carries it: u32 LE length of what follows, then a header-like prefix and a body. */
    private static byte[] frame(final int bodyLength, final long correlationId)
    {
        final ByteBuf b = Unpooled.buffer();
        b.writeIntLE(12 + bodyLength);
        b.writeByte(1).writeByte(0x10).writeShortLE(0).writeLongLE(correlationId);
        for (int i = 0; i < bodyLength; i++)
        {
            b.writeByte((int)(correlationId * 31 + i));
        }
        final byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    private static byte[] concat(final byte[]... parts)
    {
        int n = 0;
        for (final byte[] p : parts)
        {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int at = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Copies each frame (the view is reused) and releases the reference it was given, as the session does. */
    private final class Recorder extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            final byte[] bytes = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), bytes);
            frames.add(bytes);
            frame.release();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            errors.add(cause);
        }
    }
}
