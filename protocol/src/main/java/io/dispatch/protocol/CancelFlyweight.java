package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CANCEL body: by message id ({@link #BY_ID}, then u64 message id) or by idempotency key ({@link #BY_KEY}, then a
 * str8 key of 1..{@link SubmitDescriptor#MAX_KEY_LENGTH} bytes). Costs one credit.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+-----------------------------------------------+
 *  |    By (0)     |                  Message Id                  ...
 *  +---------------+-----------------------------------------------+
 *  ...             |
 *  +---------------+
 *
 *  +---------------+---------------+-------------------------------+
 *  |    By (1)     |  Key Length   |        Idempotency Key       ...
 *  +---------------+---------------+-------------------------------+
 * </pre>
 */
public final class CancelFlyweight extends BodyFlyweight
{
    public static final byte BY_ID = 0;
    public static final byte BY_KEY = 1;

    public static final int BY_OFFSET = 0;
    public static final int MESSAGE_ID_OFFSET = 1;
    public static final int BY_ID_BODY_LENGTH = 9;
    public static final int KEY_LENGTH_OFFSET = 1;
    public static final int KEY_OFFSET = 2;

    private static final String LAYOUT = "CANCEL body: u8 0 + u64 messageId, or u8 1 + u8 key length + key";

    public CancelFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /**
     * Checks the selector and the lengths; the key's size is not limited here beyond its str8, as before (the
     * engine finds no message for a key no SUBMIT could have used).
     *
     * @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} with {@link #problem()}.
     */
    public ErrorCode validate()
    {
        if (length < 1)
        {
            return fail(ErrorCode.MALFORMED_FRAME, LAYOUT);
        }
        final int by = u8(offset + BY_OFFSET);
        if (by == BY_ID && length == BY_ID_BODY_LENGTH)
        {
            return null;
        }
        if (by == BY_KEY && length >= KEY_OFFSET && keyLength() > 0 && length == KEY_OFFSET + keyLength())
        {
            return null;
        }
        return fail(ErrorCode.MALFORMED_FRAME, LAYOUT);
    }

    /** @return {@link #BY_ID} or {@link #BY_KEY}. */
    public int by()
    {
        return u8(offset + BY_OFFSET);
    }

    public boolean isByKey()
    {
        return by() == BY_KEY;
    }

    /** By id only. */
    public long messageId()
    {
        return buffer.getLong(offset + MESSAGE_ID_OFFSET, LE);
    }

    /** By key only: where the key's bytes start in {@link #buffer()}. */
    public int keyOffset()
    {
        return offset + KEY_OFFSET;
    }

    /** By key only. */
    public int keyLength()
    {
        return u8(offset + KEY_LENGTH_OFFSET);
    }

    public CancelFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    public CancelFlyweight byId(final long messageId)
    {
        mutableBuffer.putByte(offset + BY_OFFSET, BY_ID);
        mutableBuffer.putLong(offset + MESSAGE_ID_OFFSET, messageId, LE);
        length = BY_ID_BODY_LENGTH;
        return this;
    }

    /** @param key UTF-8, 1..{@link SubmitDescriptor#MAX_KEY_LENGTH} bytes. */
    public CancelFlyweight byKey(final byte[] key)
    {
        if (key.length == 0 || key.length > SubmitDescriptor.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "idempotencyKey must be 1.." + SubmitDescriptor.MAX_KEY_LENGTH + " bytes");
        }
        mutableBuffer.putByte(offset + BY_OFFSET, BY_KEY);
        length = 1;
        putStr8(key);
        return this;
    }
}
