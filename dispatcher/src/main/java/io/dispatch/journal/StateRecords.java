package io.dispatch.journal;

/**
 * Packed state changes: the body of a STATE ring event and of a STATE journal record. A lane batches the
 * changes of one duty cycle into one ring event and one journal document, so a message's four state
 * changes do not cost four ring slots and four Chronicle documents. Little-endian, 24 bytes each:
 * <pre>
 *  0 i64 messageId    8 i64 atEpochMs   16 u8 state   17 u8 attempts   18 u8 channel   19 u8 reserved
 * 20 u16 reason      22 u16 reserved
 * </pre>
 */
public final class StateRecords
{
    public static final int LENGTH = 24;
    /** Changes per batch: bounds the ring event body (1.5 KB). */
    public static final int MAX_PER_BATCH = 64;

    private StateRecords()
    {
    }

    public static void put(
        final byte[] b, final int offset, final long messageId, final long atMs, final byte state, final byte attempts,
        final byte channel, final short reason)
    {
        putLong(b, offset, messageId);
        putLong(b, offset + 8, atMs);
        b[offset + 16] = state;
        b[offset + 17] = attempts;
        b[offset + 18] = channel;
        b[offset + 19] = 0;
        b[offset + 20] = (byte)reason;
        b[offset + 21] = (byte)(reason >>> 8);
        b[offset + 22] = 0;
        b[offset + 23] = 0;
    }

    public static long messageId(final byte[] b, final int offset)
    {
        return getLong(b, offset);
    }

    public static long atMs(final byte[] b, final int offset)
    {
        return getLong(b, offset + 8);
    }

    public static byte state(final byte[] b, final int offset)
    {
        return b[offset + 16];
    }

    public static byte attempts(final byte[] b, final int offset)
    {
        return b[offset + 17];
    }

    public static byte channel(final byte[] b, final int offset)
    {
        return b[offset + 18];
    }

    public static short reason(final byte[] b, final int offset)
    {
        return (short)((b[offset + 20] & 0xFF) | (b[offset + 21] & 0xFF) << 8);
    }

    private static void putLong(final byte[] b, final int offset, final long v)
    {
        for (int i = 0; i < 8; i++)
        {
            b[offset + i] = (byte)(v >>> (8 * i));
        }
    }

    private static long getLong(final byte[] b, final int offset)
    {
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = v << 8 | (b[offset + i] & 0xFF);
        }
        return v;
    }
}
