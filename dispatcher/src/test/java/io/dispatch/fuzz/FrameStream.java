package io.dispatch.fuzz;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Turns one fuzzer input into the bytes a client sends. Byte 0 holds two switches: bit 0 set = no HELLO first
 * (so unauthenticated frames are tried too), bit 1 set = the rest is sent raw (framing, length and header
 * bugs). Otherwise the rest is a list of {@code u8 type, u16 LE length, body} entries, each sent as a
 * well-framed v1 frame with correlation id 1, 2, ..., then a PING whose answer ({@link #answersMarker}) tells
 * that the session read it all: this mode reaches the body decoders instead of being stopped by the framer.
 */
final class FrameStream
{
    static final String TENANT = "demo";
    static final String KEY = "demo-key";
    static final long PING_MARKER = 0x5EED_5EEDL;
    static final int NO_HELLO = 1;
    static final int RAW = 2;

    /**
     * The marker PING's answer: PONG once authenticated, ERROR NOT_AUTHENTICATED before HELLO (docs/protocol.md);
     * either says the session read everything sent before it.
     */
    static boolean answersMarker(final byte type, final long correlationId)
    {
        return correlationId == PING_MARKER && (type == MessageType.PONG || type == MessageType.ERROR);
    }

    final ByteBuf bytes;
    /** True when the stream ends with the marker PING on a frame boundary: a PONG or a close will come. */
    final boolean expectPong;

    private FrameStream(final ByteBuf bytes, final boolean expectPong)
    {
        this.bytes = bytes;
        this.expectPong = expectPong;
    }

    static FrameStream of(final byte[] input)
    {
        final ByteBuf out = Unpooled.buffer(input.length + 64);
        final int switches = input.length == 0 ? 0 : input[0];
        if ((switches & NO_HELLO) == 0)
        {
            ByteBufFrames.hello(out, 0, TENANT, KEY, "fuzz");
        }
        if ((switches & RAW) != 0)
        {
            out.writeBytes(input, 1, input.length - 1);
            return new FrameStream(out, false);
        }
        int p = 1;
        long correlationId = 1;
        while (p < input.length)
        {
            final byte type = input[p++];
            int length = 0;
            if (p + 2 <= input.length)
            {
                length = (input[p] & 0xFF) | (input[p + 1] & 0xFF) << 8;
                p += 2;
            }
            else
            {
                p = input.length;
            }
            length = Math.min(length, input.length - p);
            final int start = ByteBufFrames.beginFrame(out, type, 0, correlationId++);
            out.writeBytes(input, p, length);
            ByteBufFrames.endFrame(out, start);
            p += length;
        }
        ByteBufFrames.ping(out, PING_MARKER, 0L);
        return new FrameStream(out, true);
    }

    /** Appends one structured entry: what {@link #of} turns back into a frame with this type and body. */
    static void entry(final ByteBuf input, final byte type, final ByteBuf frameWithHeader)
    {
        final int bodyLength = frameWithHeader.readableBytes() - FrameDescriptor.HEADER_LENGTH;
        input.writeByte(type);
        input.writeShortLE(bodyLength);
        input.writeBytes(frameWithHeader, frameWithHeader.readerIndex() + FrameDescriptor.HEADER_LENGTH, bodyLength);
    }
}
