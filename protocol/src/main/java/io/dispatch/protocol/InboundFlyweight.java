package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * INBOUND body: the position of the event in the engine's journal, then the event as the engine journals it (its
 * inbound record body, which the engine copies into the frame unchanged): kind (0 message, 1 event, 2 consent
 * granted, 3 consent withdrawn, 4 opt-out), channel, the engine's message id it answers (0 if unknown), when the
 * provider received it, the user's address (str8 from), the business address (str8 to), the platform's event id
 * (str8), the text (str16) and the platform's event as received (u32 length, UTF-8).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Position                            |
 *  |                                                               |
 *  +---------------+---------------+-------------------------------+   event starts (EVENT_OFFSET)
 *  |     Kind      |    Channel    |          In Reply To         ...
 *  +---------------+---------------+-------------------------------+
 *  ...                             |     Received At (epoch ms)   ...
 *  +-------------------------------+-------------------------------+
 *  ...                             |  From Length  |  From (UTF-8) ...
 *  +-------------------------------+---------------+----------------
 *  then str8 to, str8 providerEventId, str16 text, u32 payload length and the payload (UTF-8)
 * </pre>
 * The {@code EVENT_*} offsets count from the start of the event: the engine's inbound record body uses them.
 * Inbound events are rare next to outbound messages, so the string accessors allocate.
 */
public final class InboundFlyweight extends BodyFlyweight
{
    public static final int EVENT_KIND_OFFSET = 0;
    public static final int EVENT_CHANNEL_OFFSET = 1;
    public static final int EVENT_IN_REPLY_TO_OFFSET = 2;
    public static final int EVENT_RECEIVED_AT_OFFSET = 10;
    public static final int EVENT_FROM_LENGTH_OFFSET = 18;
    /** The shortest event: empty strings and payload. */
    public static final int MIN_EVENT_LENGTH = EVENT_FROM_LENGTH_OFFSET + 3 + 2 + 4;

    public static final int POSITION_OFFSET = 0;
    public static final int EVENT_OFFSET = 8;
    public static final int MIN_BODY_LENGTH = EVENT_OFFSET + MIN_EVENT_LENGTH;

    private int fromAt;
    private int toAt;
    private int eventIdAt;
    private int textAt;
    private int payloadAt;

    public InboundFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when every length fits the body exactly, else {@link ErrorCode#MALFORMED_FRAME}. */
    public ErrorCode validate()
    {
        if (length < MIN_BODY_LENGTH)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "INBOUND body shorter than " + MIN_BODY_LENGTH + " bytes");
        }
        final int end = offset + length;
        fromAt = offset + EVENT_OFFSET + EVENT_FROM_LENGTH_OFFSET;
        toAt = fromAt + 1 + u8(fromAt);
        if (toAt >= end)
        {
            return truncated();
        }
        eventIdAt = toAt + 1 + u8(toAt);
        if (eventIdAt >= end)
        {
            return truncated();
        }
        textAt = eventIdAt + 1 + u8(eventIdAt);
        if (textAt + 2 > end)
        {
            return truncated();
        }
        payloadAt = textAt + 2 + u16(textAt);
        if (payloadAt + 4 > end)
        {
            return truncated();
        }
        final int payloadLength = buffer.getInt(payloadAt, LE);
        if (payloadLength < 0 || payloadAt + 4 + payloadLength != end)
        {
            return truncated();
        }
        return null;
    }

    private ErrorCode truncated()
    {
        return fail(ErrorCode.MALFORMED_FRAME, "INBOUND lengths do not match the body");
    }

    public long position()
    {
        return buffer.getLong(offset + POSITION_OFFSET, LE);
    }

    public int kind()
    {
        return u8(offset + EVENT_OFFSET + EVENT_KIND_OFFSET);
    }

    public int channel()
    {
        return u8(offset + EVENT_OFFSET + EVENT_CHANNEL_OFFSET);
    }

    public long inReplyTo()
    {
        return buffer.getLong(offset + EVENT_OFFSET + EVENT_IN_REPLY_TO_OFFSET, LE);
    }

    public long receivedAtMs()
    {
        return buffer.getLong(offset + EVENT_OFFSET + EVENT_RECEIVED_AT_OFFSET, LE);
    }

    public String from()
    {
        return buffer.getStringWithoutLengthUtf8(fromAt + 1, u8(fromAt));
    }

    public String to()
    {
        return buffer.getStringWithoutLengthUtf8(toAt + 1, u8(toAt));
    }

    public String providerEventId()
    {
        return buffer.getStringWithoutLengthUtf8(eventIdAt + 1, u8(eventIdAt));
    }

    public String text()
    {
        return buffer.getStringWithoutLengthUtf8(textAt + 2, u16(textAt));
    }

    public String payload()
    {
        return buffer.getStringWithoutLengthUtf8(payloadAt + 4, buffer.getInt(payloadAt, LE));
    }

    public InboundFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    public InboundFlyweight position(final long position)
    {
        mutableBuffer.putLong(offset + POSITION_OFFSET, position, LE);
        length = EVENT_OFFSET;
        return this;
    }

    /** After {@link #position(long)}: the event, as journaled ({@code EVENT_*} layout). */
    public InboundFlyweight event(final byte[] event, final int eventLength)
    {
        mutableBuffer.putBytes(offset + EVENT_OFFSET, event, 0, eventLength);
        length = EVENT_OFFSET + eventLength;
        return this;
    }
}
