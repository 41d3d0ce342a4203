package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * CREDIT: requests the client may send in addition to its window; answers no request, so the correlation id is 0.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------------------------------------------------------+
 *  |                         Grant (u32)                           |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class CreditFlyweight extends FrameFlyweight
{
    public static final int GRANT_OFFSET = BODY;
    public static final int FRAME_LENGTH = BODY + 4;

    public CreditFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    /** @return the grant, unsigned. */
    public long grant()
    {
        return buffer.getInt(offset + GRANT_OFFSET, LE) & 0xFFFF_FFFFL;
    }

    public CreditFlyweight grant(final int grant)
    {
        buffer.putInt(offset + GRANT_OFFSET, grant, LE);
        return this;
    }
}
