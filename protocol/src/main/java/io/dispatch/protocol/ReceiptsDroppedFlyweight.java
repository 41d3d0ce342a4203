package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * RECEIPTS_DROPPED: receipts not sent to this subscriber because it read too slowly (STATUS still answers for the
 * messages); answers no request, so the correlation id is 0.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------------------------------------------------------+
 *  |                         Count (u32)                           |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ReceiptsDroppedFlyweight extends FrameFlyweight
{
    public static final int COUNT_OFFSET = BODY;
    public static final int FRAME_LENGTH = BODY + 4;

    public ReceiptsDroppedFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    /** @return the count, unsigned. */
    public long count()
    {
        return buffer.getInt(offset + COUNT_OFFSET, LE) & 0xFFFF_FFFFL;
    }

    public ReceiptsDroppedFlyweight count(final int count)
    {
        buffer.putInt(offset + COUNT_OFFSET, count, LE);
        return this;
    }
}
