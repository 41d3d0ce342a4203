package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SUBSCRIBE_INBOUND body: empty (the tenant's inbound events from now on) or the position of the last INBOUND the
 * client has, to resume after it (0 = everything the journal holds). Costs no credit.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Resume After (optional)                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SubscribeInboundFlyweight extends BodyFlyweight
{
    public static final int RESUME_AFTER_OFFSET = 0;
    public static final int RESUME_BODY_LENGTH = 8;
    /** What {@link #resumeAfter()} returns for an empty body, and what the encoder takes for "from now". */
    public static final long FROM_NOW = -1;

    public SubscribeInboundFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when valid, else {@link ErrorCode#INVALID_FIELD} with {@link #problem()}. */
    public ErrorCode validate()
    {
        if (length != 0 && length != RESUME_BODY_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "SUBSCRIBE_INBOUND body: empty (from now) or u64 resumeAfter");
        }
        if (length == RESUME_BODY_LENGTH && resumeAfter() < 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "resumeAfter: an INBOUND position, or 0 for the start");
        }
        return null;
    }

    /** @return the position to resume after, or {@link #FROM_NOW} for an empty body. */
    public long resumeAfter()
    {
        return length == 0 ? FROM_NOW : buffer.getLong(offset + RESUME_AFTER_OFFSET, LE);
    }

    public SubscribeInboundFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** @param position an INBOUND frame's position, 0 for the start of the journal, or negative for "from now". */
    public SubscribeInboundFlyweight resumeAfter(final long position)
    {
        if (position < 0)
        {
            length = 0;
            return this;
        }
        mutableBuffer.putLong(offset + RESUME_AFTER_OFFSET, position, LE);
        length = RESUME_BODY_LENGTH;
        return this;
    }
}
