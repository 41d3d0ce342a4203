package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Base of the answer-frame flyweights: a view of one whole frame (header included, {@link FrameDescriptor}) at an
 * offset of a buffer. Wrapping only sets two fields, so a flyweight is made once and re-wrapped per frame: the
 * engine encodes with it in place in a connection's outbound queue, the client decodes with it over the read
 * buffer. Field offsets of the subclasses count from the start of the frame. All integers are little-endian.
 * <p>
 * <b>Note:</b> not thread-safe; one instance per thread that writes or reads.
 */
public abstract class FrameFlyweight
{
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int BODY = FrameDescriptor.HEADER_LENGTH;

    MutableDirectBuffer buffer;
    int offset;

    final void wrapFrame(final MutableDirectBuffer buffer, final int frameOffset)
    {
        this.buffer = buffer;
        this.offset = frameOffset;
    }

    public final MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** @return where the frame starts in {@link #buffer()}. */
    public final int offset()
    {
        return offset;
    }

    /**
     * Writes the frame header: the length field (the bytes after it), version, type, no flags, correlation id.
     *
     * @param frameLength the whole frame's length, header included.
     */
    public final void header(final byte type, final int frameLength, final long correlationId)
    {
        buffer.putInt(offset + FrameDescriptor.LENGTH_OFFSET, frameLength - FrameDescriptor.LENGTH_FIELD_LENGTH, LE);
        buffer.putByte(offset + FrameDescriptor.VERSION_OFFSET, FrameDescriptor.CURRENT_VERSION);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, type);
        buffer.putShort(offset + FrameDescriptor.FLAGS_OFFSET, (short)0, LE);
        buffer.putLong(offset + FrameDescriptor.CORRELATION_ID_OFFSET, correlationId, LE);
    }

    /** @return the whole frame's length, header included. */
    public final int frameLength()
    {
        return buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET, LE) + FrameDescriptor.LENGTH_FIELD_LENGTH;
    }

    public final int bodyLength()
    {
        return frameLength() - FrameDescriptor.HEADER_LENGTH;
    }

    public final byte type()
    {
        return buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET);
    }

    public final long correlationId()
    {
        return buffer.getLong(offset + FrameDescriptor.CORRELATION_ID_OFFSET, LE);
    }
}
