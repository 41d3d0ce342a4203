package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Base of the body flyweights whose input needs checking (the requests a client sends, and INBOUND, which a client
 * reads): a view of one frame's body, header excluded, at an offset of a buffer, as {@link SubmitFlyweight} is.
 * <p>
 * To read: {@code wrap(buffer, bodyOffset, bodyLength)}, then {@code validate()}, which returns null or the
 * {@link ErrorCode} to answer with, and {@link #problem()} the detail naming the field; the accessors are meaningful
 * only after a successful validation. To write: {@code wrapForEncode(buffer, bodyOffset)}, the fields in layout order,
 * then {@link #encodedLength()}. Offsets of the subclasses count from the start of the body. Little-endian.
 * <p>
 * <b>Note:</b> not thread-safe; one instance per thread that writes or reads.
 */
public abstract class BodyFlyweight
{
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    DirectBuffer buffer;
    MutableDirectBuffer mutableBuffer;
    int offset;
    int length;
    private String problem;

    final void wrapBody(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        this.problem = null;
    }

    final void wrapBodyForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = 0;
        this.problem = null;
    }

    final ErrorCode fail(final ErrorCode code, final String problem)
    {
        this.problem = problem;
        return code;
    }

    /** @return what failed validation and how to fix it, for the NACK or ERROR detail. */
    public final String problem()
    {
        return problem;
    }

    public final DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return where the body starts in {@link #buffer()}. */
    public final int offset()
    {
        return offset;
    }

    /** @return the body's length as wrapped, or as written so far since {@code wrapForEncode}. */
    public final int length()
    {
        return length;
    }

    /** @return the length of the body written since {@code wrapForEncode}. */
    public final int encodedLength()
    {
        return length;
    }

    final int u8(final int index)
    {
        return buffer.getByte(index) & 0xFF;
    }

    final int u16(final int index)
    {
        return buffer.getShort(index, LE) & 0xFFFF;
    }

    /** Appends a str8 (u8 length, bytes) at the end of what is written; the length must be 0..255. */
    final int putStr8(final byte[] bytes)
    {
        if (bytes.length > 0xFF)
        {
            throw new IllegalArgumentException("str8 field of " + bytes.length + " bytes (0..255)");
        }
        final int at = offset + length;
        mutableBuffer.putByte(at, (byte)bytes.length);
        mutableBuffer.putBytes(at + 1, bytes);
        length += 1 + bytes.length;
        return at;
    }
}
