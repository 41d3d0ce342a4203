package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * CANCEL_RESULT: what a CANCEL did. An id or key naming no message of the caller's tenant is NACK NOT_FOUND instead.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------------------------------------------------------+
 *  |                          Message Id                           |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |    Result     |
 *  +---------------+
 * </pre>
 */
public final class CancelResultFlyweight extends FrameFlyweight
{
    public static final int MESSAGE_ID_OFFSET = BODY;
    public static final int RESULT_OFFSET = BODY + 8;
    public static final int FRAME_LENGTH = BODY + 9;

    public static final byte DONE = 0;
    public static final byte NOT_DEFERRED = 1;

    public CancelResultFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    public CancelResultFlyweight messageId(final long messageId)
    {
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        return this;
    }

    public int result()
    {
        return buffer.getByte(offset + RESULT_OFFSET) & 0xFF;
    }

    public CancelResultFlyweight result(final byte result)
    {
        buffer.putByte(offset + RESULT_OFFSET, result);
        return this;
    }
}
