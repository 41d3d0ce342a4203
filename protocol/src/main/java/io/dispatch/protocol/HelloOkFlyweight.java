package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * HELLO_OK: the handshake's answer: the version chosen, the initial credit, the largest frame the engine reads
 * (header included) and the session's id (as the engine's logs name it).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |   Reserved    |           Reserved            |
 *  +---------------+---------------+-------------------------------+
 *  |                        Initial Credit                         |
 *  +---------------------------------------------------------------+
 *  |                       Max Frame Length                        |
 *  +---------------------------------------------------------------+
 *  |                          Session Id                           |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class HelloOkFlyweight extends FrameFlyweight
{
    public static final int VERSION_OFFSET = BODY;
    public static final int RESERVED_OFFSET = BODY + 1;
    public static final int INITIAL_CREDIT_OFFSET = BODY + 4;
    public static final int MAX_FRAME_LENGTH_OFFSET = BODY + 8;
    public static final int SESSION_ID_OFFSET = BODY + 12;
    public static final int FRAME_LENGTH = BODY + 16;

    public HelloOkFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /** Also zeroes the reserved bytes. */
    public HelloOkFlyweight version(final int version)
    {
        buffer.putByte(offset + VERSION_OFFSET, (byte)version);
        buffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        buffer.putShort(offset + RESERVED_OFFSET + 1, (short)0, LE);
        return this;
    }

    public int initialCredit()
    {
        return buffer.getInt(offset + INITIAL_CREDIT_OFFSET, LE);
    }

    public HelloOkFlyweight initialCredit(final int credit)
    {
        buffer.putInt(offset + INITIAL_CREDIT_OFFSET, credit, LE);
        return this;
    }

    public int maxFrameLength()
    {
        return buffer.getInt(offset + MAX_FRAME_LENGTH_OFFSET, LE);
    }

    public HelloOkFlyweight maxFrameLength(final int maxFrameLength)
    {
        buffer.putInt(offset + MAX_FRAME_LENGTH_OFFSET, maxFrameLength, LE);
        return this;
    }

    public int sessionId()
    {
        return buffer.getInt(offset + SESSION_ID_OFFSET, LE);
    }

    public HelloOkFlyweight sessionId(final int sessionId)
    {
        buffer.putInt(offset + SESSION_ID_OFFSET, sessionId, LE);
        return this;
    }
}
