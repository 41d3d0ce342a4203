package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * PING and PONG body (one layout): a payload the PONG echoes, with the PING's correlation id. A body, header
 * excluded, as the other requests the engine checks: a PING body must be exactly 8 bytes (costs no credit).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                            Payload                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PingFlyweight extends BodyFlyweight
{
    public static final int PAYLOAD_OFFSET = 0;
    public static final int BODY_LENGTH = 8;
    public static final int FRAME_LENGTH = FrameDescriptor.HEADER_LENGTH + BODY_LENGTH;

    public PingFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} with {@link #problem()}. */
    public ErrorCode validate()
    {
        return length == BODY_LENGTH ? null :
            fail(ErrorCode.MALFORMED_FRAME, "PING body must be 8 bytes (u64 payload), got " + length);
    }

    public long payload()
    {
        return buffer.getLong(offset + PAYLOAD_OFFSET, LE);
    }

    public PingFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    public PingFlyweight payload(final long payload)
    {
        mutableBuffer.putLong(offset + PAYLOAD_OFFSET, payload, LE);
        length = BODY_LENGTH;
        return this;
    }
}
