package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * STATUS body: the message id whose state is asked for, exactly 8 bytes (costs one credit).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Message Id                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class StatusFlyweight extends BodyFlyweight
{
    public static final int MESSAGE_ID_OFFSET = 0;
    public static final int BODY_LENGTH = 8;

    public StatusFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} with {@link #problem()}. */
    public ErrorCode validate()
    {
        return length == BODY_LENGTH ? null : fail(ErrorCode.MALFORMED_FRAME, "STATUS body must be 8 bytes");
    }

    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    public StatusFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    public StatusFlyweight messageId(final long messageId)
    {
        mutableBuffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        length = BODY_LENGTH;
        return this;
    }
}
