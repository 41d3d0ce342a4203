package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * STATUS_RESULT: a message's current state, from the engine's status table.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------------------------------------------------------+
 *  |                          Message Id                           |
 *  |                                                               |
 *  +---------------+---------------+-------------------------------+
 *  |     State     |   Attempts    |            Reason             |
 *  +---------------+---------------+-------------------------------+
 *  |                     Updated At (epoch ms)                     |
 *  |                                                               |
 *  +---------------+---------------+-------------------------------+
 *  |    Channel    |     Kind      |
 *  +---------------+---------------+
 * </pre>
 */
public final class StatusResultFlyweight extends FrameFlyweight
{
    public static final int MESSAGE_ID_OFFSET = BODY;
    public static final int STATE_OFFSET = BODY + 8;
    public static final int ATTEMPTS_OFFSET = BODY + 9;
    public static final int REASON_OFFSET = BODY + 10;
    public static final int UPDATED_AT_OFFSET = BODY + 12;
    public static final int CHANNEL_OFFSET = BODY + 20;
    public static final int KIND_OFFSET = BODY + 21;
    public static final int FRAME_LENGTH = BODY + 22;

    public StatusResultFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    public StatusResultFlyweight messageId(final long messageId)
    {
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        return this;
    }

    public int state()
    {
        return buffer.getByte(offset + STATE_OFFSET) & 0xFF;
    }

    public StatusResultFlyweight state(final int state)
    {
        buffer.putByte(offset + STATE_OFFSET, (byte)state);
        return this;
    }

    public int attempts()
    {
        return buffer.getByte(offset + ATTEMPTS_OFFSET) & 0xFF;
    }

    public StatusResultFlyweight attempts(final int attempts)
    {
        buffer.putByte(offset + ATTEMPTS_OFFSET, (byte)attempts);
        return this;
    }

    public int reason()
    {
        return buffer.getShort(offset + REASON_OFFSET, LE) & 0xFFFF;
    }

    public StatusResultFlyweight reason(final int reason)
    {
        buffer.putShort(offset + REASON_OFFSET, (short)reason, LE);
        return this;
    }

    public long updatedAtMs()
    {
        return buffer.getLong(offset + UPDATED_AT_OFFSET, LE);
    }

    public StatusResultFlyweight updatedAtMs(final long epochMs)
    {
        buffer.putLong(offset + UPDATED_AT_OFFSET, epochMs, LE);
        return this;
    }

    public int channel()
    {
        return buffer.getByte(offset + CHANNEL_OFFSET) & 0xFF;
    }

    public StatusResultFlyweight channel(final int channel)
    {
        buffer.putByte(offset + CHANNEL_OFFSET, (byte)channel);
        return this;
    }

    public int kind()
    {
        return buffer.getByte(offset + KIND_OFFSET) & 0xFF;
    }

    public StatusResultFlyweight kind(final int kind)
    {
        buffer.putByte(offset + KIND_OFFSET, (byte)kind);
        return this;
    }
}
