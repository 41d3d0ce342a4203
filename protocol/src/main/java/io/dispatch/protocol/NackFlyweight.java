package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * NACK (a request refused) and ERROR (a connection-level problem; the same layout): an {@link ErrorCode} and a
 * str16 UTF-8 detail naming the field or setting and the fix.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +-------------------------------+-------------------------------+
 *  |          Error Code           |         Detail Length         |
 *  +-------------------------------+-------------------------------+
 *  |                        Detail (UTF-8)                        ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class NackFlyweight extends FrameFlyweight
{
    public static final int CODE_OFFSET = BODY;
    public static final int DETAIL_LENGTH_OFFSET = BODY + 2;
    public static final int DETAIL_OFFSET = BODY + 4;
    /** Longer details are cut: a detail is a hint for a person, not data. */
    public static final int MAX_DETAIL_LENGTH = 1024;

    /** @return the length of a frame with a detail of {@code detailLength} bytes. */
    public static int frameLength(final int detailLength)
    {
        return DETAIL_OFFSET + detailLength;
    }

    public NackFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    /** @return the code, {@link ErrorCode#INTERNAL} for a value this build does not know. */
    public ErrorCode code()
    {
        return ErrorCode.of(buffer.getShort(offset + CODE_OFFSET, LE) & 0xFFFF);
    }

    public NackFlyweight code(final ErrorCode code)
    {
        buffer.putShort(offset + CODE_OFFSET, (short)code.code(), LE);
        return this;
    }

    public int detailLength()
    {
        return buffer.getShort(offset + DETAIL_LENGTH_OFFSET, LE) & 0xFFFF;
    }

    /** Allocates: for the client and for errors, not for a ring thread. */
    public String detail()
    {
        return buffer.getStringWithoutLengthUtf8(offset + DETAIL_OFFSET, detailLength());
    }

    /** @param detail pre-encoded UTF-8, at most {@link #MAX_DETAIL_LENGTH} bytes (so a ring thread allocates nothing). */
    public NackFlyweight detail(final byte[] detail)
    {
        buffer.putShort(offset + DETAIL_LENGTH_OFFSET, (short)detail.length, LE);
        buffer.putBytes(offset + DETAIL_OFFSET, detail);
        return this;
    }

    /** @return the detail's bytes as {@link #detail(byte[])} takes them: UTF-8, cut to {@link #MAX_DETAIL_LENGTH}. */
    public static byte[] encodeDetail(final String detail)
    {
        final byte[] bytes = detail == null ? new byte[0] : detail.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_DETAIL_LENGTH ? bytes : java.util.Arrays.copyOf(bytes, MAX_DETAIL_LENGTH);
    }
}
