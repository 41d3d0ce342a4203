package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * RECEIPT: a state change of a message, pushed to subscribers. The channel byte came in 2026-11 and the position
 * in 2026-12: older engines send {@link #OLDEST_BODY_LENGTH} or {@link #CHANNEL_BODY_LENGTH} body bytes, so a
 * reader checks {@link #bodyLength()} before it reads them.
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
 *  |                         At (epoch ms)                         |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |    Channel    |     Position (a resumable stream position)   ...
 *  +---------------+-----------------------------------------------+
 * ...              |
 *  +---------------+
 * </pre>
 */
public final class ReceiptFlyweight extends FrameFlyweight
{
    public static final int MESSAGE_ID_OFFSET = BODY;
    public static final int STATE_OFFSET = BODY + 8;
    public static final int ATTEMPTS_OFFSET = BODY + 9;
    public static final int REASON_OFFSET = BODY + 10;
    public static final int AT_OFFSET = BODY + 12;
    public static final int CHANNEL_OFFSET = BODY + 20;
    public static final int POSITION_OFFSET = BODY + 21;
    public static final int FRAME_LENGTH = BODY + 29;
    /** Body length of engines before the channel byte. */
    public static final int OLDEST_BODY_LENGTH = 20;
    /** Body length of engines before the position. */
    public static final int CHANNEL_BODY_LENGTH = 21;

    public ReceiptFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    public ReceiptFlyweight messageId(final long messageId)
    {
        buffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        return this;
    }

    public int state()
    {
        return buffer.getByte(offset + STATE_OFFSET) & 0xFF;
    }

    public ReceiptFlyweight state(final int state)
    {
        buffer.putByte(offset + STATE_OFFSET, (byte)state);
        return this;
    }

    public int attempts()
    {
        return buffer.getByte(offset + ATTEMPTS_OFFSET) & 0xFF;
    }

    public ReceiptFlyweight attempts(final int attempts)
    {
        buffer.putByte(offset + ATTEMPTS_OFFSET, (byte)attempts);
        return this;
    }

    public int reason()
    {
        return buffer.getShort(offset + REASON_OFFSET, LE) & 0xFFFF;
    }

    public ReceiptFlyweight reason(final int reason)
    {
        buffer.putShort(offset + REASON_OFFSET, (short)reason, LE);
        return this;
    }

    public long atMs()
    {
        return buffer.getLong(offset + AT_OFFSET, LE);
    }

    public ReceiptFlyweight atMs(final long epochMs)
    {
        buffer.putLong(offset + AT_OFFSET, epochMs, LE);
        return this;
    }

    /** @return the channel the message is on (after a fallback, the new one); 0 from engines before it. */
    public int channel()
    {
        return bodyLength() > OLDEST_BODY_LENGTH ? buffer.getByte(offset + CHANNEL_OFFSET) & 0xFF : 0;
    }

    public ReceiptFlyweight channel(final int channel)
    {
        buffer.putByte(offset + CHANNEL_OFFSET, (byte)channel);
        return this;
    }

    /** @return the position to resume after; 0 when the change was not journaled, or from engines before it. */
    public long position()
    {
        return bodyLength() >= FRAME_LENGTH - BODY ? buffer.getLong(offset + POSITION_OFFSET, LE) : 0;
    }

    public ReceiptFlyweight position(final long position)
    {
        buffer.putLong(offset + POSITION_OFFSET, position, LE);
        return this;
    }
}
