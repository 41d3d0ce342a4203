package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * EXPLAIN_RESULT: what the policy stage decided for a dry-run SUBMIT, and what a fallback would be decided now.
 * Engines before the conversation window sent the first 16 body bytes only, and before the re-addressed fallback
 * no address: a reader checks {@link #bodyLength()} against {@link #WINDOW_BODY_LENGTH} and
 * {@link #ADDRESS_LENGTH_OFFSET}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------+---------------+---------------+---------------+
 *  |   Decision    |    Channel    | Queue (0 prio)| Fallback Chan |
 *  +---------------+---------------+---------------+---------------+
 *  |            Reason             | Fallback Dec. | Fallback Rsn. |
 *  +-------------------------------+---------------+---------------+
 *  |                    At (epoch ms, or an id)                    |
 *  |                                                               |
 *  +---------------+---------------+-------------------------------+
 *  | Window State  |  Window Tag   |  Window Last Message (ms)    ...
 *  +---------------+---------------+-------------------------------+
 * ...                              |  Addr Length  |  Address     ...
 *  +-------------------------------+---------------+---------------+
 * </pre>
 */
public final class ExplainResultFlyweight extends FrameFlyweight
{
    public static final int DECISION_OFFSET = BODY;
    public static final int CHANNEL_OFFSET = BODY + 1;
    public static final int QUEUE_OFFSET = BODY + 2;
    public static final int FALLBACK_CHANNEL_OFFSET = BODY + 3;
    public static final int REASON_OFFSET = BODY + 4;
    public static final int FALLBACK_DECISION_OFFSET = BODY + 6;
    public static final int FALLBACK_REASON_OFFSET = BODY + 7;
    public static final int AT_OFFSET = BODY + 8;
    public static final int WINDOW_STATE_OFFSET = BODY + 16;
    public static final int WINDOW_TAG_OFFSET = BODY + 17;
    public static final int WINDOW_LAST_MS_OFFSET = BODY + 18;
    /** u8 length, then the re-addressed fallback's address (0: the message's own). */
    public static final int ADDRESS_LENGTH_OFFSET = BODY + 26;
    /** The fixed part, up to the address: {@link #frameLength(int)} adds the address. */
    public static final int FIXED_FRAME_LENGTH = ADDRESS_LENGTH_OFFSET;
    /** Body length of engines before the conversation window. */
    public static final int OLDEST_BODY_LENGTH = 16;
    public static final int WINDOW_BODY_LENGTH = 26;

    /** @return the length of a frame whose address has {@code addressLength} bytes. */
    public static int frameLength(final int addressLength)
    {
        return ADDRESS_LENGTH_OFFSET + 1 + addressLength;
    }

    public ExplainResultFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    public int decision()
    {
        return u8(DECISION_OFFSET);
    }

    public ExplainResultFlyweight decision(final byte decision)
    {
        buffer.putByte(offset + DECISION_OFFSET, decision);
        return this;
    }

    public int channel()
    {
        return u8(CHANNEL_OFFSET);
    }

    public ExplainResultFlyweight channel(final byte channel)
    {
        buffer.putByte(offset + CHANNEL_OFFSET, channel);
        return this;
    }

    /** @return whether the message goes to the lane's priority queue (queue 0), not bulk (1). */
    public boolean priority()
    {
        return u8(QUEUE_OFFSET) == 0;
    }

    public ExplainResultFlyweight priority(final boolean priority)
    {
        buffer.putByte(offset + QUEUE_OFFSET, (byte)(priority ? 0 : 1));
        return this;
    }

    public int reason()
    {
        return buffer.getShort(offset + REASON_OFFSET, LE) & 0xFFFF;
    }

    public ExplainResultFlyweight reason(final short reason)
    {
        buffer.putShort(offset + REASON_OFFSET, reason, LE);
        return this;
    }

    /** @return when (DEFER: due; otherwise now), or for a DUPLICATE the original message's id. */
    public long at()
    {
        return buffer.getLong(offset + AT_OFFSET, LE);
    }

    public ExplainResultFlyweight at(final long at)
    {
        buffer.putLong(offset + AT_OFFSET, at, LE);
        return this;
    }

    public int fallbackChannel()
    {
        return u8(FALLBACK_CHANNEL_OFFSET);
    }

    public int fallbackDecision()
    {
        return u8(FALLBACK_DECISION_OFFSET);
    }

    public int fallbackReason()
    {
        return u8(FALLBACK_REASON_OFFSET);
    }

    /** @param fallback the lane's fallback channel | its decision << 8 | its reason << 16 (0: no fallback). */
    public ExplainResultFlyweight fallback(final int fallback)
    {
        buffer.putByte(offset + FALLBACK_CHANNEL_OFFSET, (byte)fallback);
        buffer.putByte(offset + FALLBACK_DECISION_OFFSET, (byte)(fallback >>> 8));
        buffer.putByte(offset + FALLBACK_REASON_OFFSET, (byte)(fallback >>> 16));
        return this;
    }

    public int windowState()
    {
        return u8(WINDOW_STATE_OFFSET);
    }

    public int windowTag()
    {
        return u8(WINDOW_TAG_OFFSET);
    }

    /** @param window the conversation window's state | the message tag chosen << 8; 0 without a window rule. */
    public ExplainResultFlyweight window(final int window)
    {
        buffer.putByte(offset + WINDOW_STATE_OFFSET, (byte)window);
        buffer.putByte(offset + WINDOW_TAG_OFFSET, (byte)(window >>> 8));
        return this;
    }

    public long windowLastMessageMs()
    {
        return buffer.getLong(offset + WINDOW_LAST_MS_OFFSET, LE);
    }

    public ExplainResultFlyweight windowLastMessageMs(final long epochMs)
    {
        buffer.putLong(offset + WINDOW_LAST_MS_OFFSET, epochMs, LE);
        return this;
    }

    public int addressLength()
    {
        return u8(ADDRESS_LENGTH_OFFSET);
    }

    /** @param address u8 length (0: the message's own address), then the bytes. */
    public ExplainResultFlyweight address(final byte[] address)
    {
        buffer.putBytes(offset + ADDRESS_LENGTH_OFFSET, address, 0, 1 + (address[0] & 0xFF));
        return this;
    }

    /** Allocates: for the client. @return the re-addressed fallback's address, null when it is the message's own. */
    public String address()
    {
        final int length = addressLength();
        return length == 0 ? null : buffer.getStringWithoutLengthUtf8(offset + ADDRESS_LENGTH_OFFSET + 1, length);
    }

    private int u8(final int fieldOffset)
    {
        return buffer.getByte(offset + fieldOffset) & 0xFF;
    }
}
