package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * ACK: a SUBMIT is journaled (or was already: a duplicate, with the original's id).
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
 *  |    Outcome    |
 *  +---------------+
 * </pre>
 */
public final class AckFlyweight extends FrameFlyweight
{
    public static final int MESSAGE_ID_OFFSET = BODY;
    public static final int OUTCOME_OFFSET = BODY + 8;
    public static final int FRAME_LENGTH = BODY + 9;

    public static final byte ACCEPTED = 0;
    /** The idempotency key was seen before: the message id is the original's. */
    public static final byte DUPLICATE = 1;

    public AckFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    public AckFlyweight messageId(final long messageId)
    {
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        return this;
    }

    public byte outcome()
    {
        return buffer.getByte(offset + OUTCOME_OFFSET);
    }

    public AckFlyweight outcome(final byte outcome)
    {
        buffer.putByte(offset + OUTCOME_OFFSET, outcome);
        return this;
    }
}
