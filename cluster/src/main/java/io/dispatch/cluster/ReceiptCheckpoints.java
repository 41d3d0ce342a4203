package io.dispatch.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A receipt checkpoint on the status topic (partition 0): the segment of the status topic one receipt stream read
 * in one go, as the offsets {@code [start, end)} of every partition. Its records in fixed order (partition
 * ascending, then offset) are what a position's ordinal counts ({@link ReceiptPositions}), so any node can read the
 * same segment again and go on after any receipt of it.
 * <p>
 * Value, little-endian: u8 type {@link #TYPE}, u16 partitions, then per partition i64 start, i64 end.
 */
final class ReceiptCheckpoints
{
    /** After the status records' 1 and 2 and the history's 3 and 4; readers of receipts and STATUS skip it. */
    static final byte TYPE = 8;
    static final int PARTITION = 0;
    private static final int HEADER = 1 + 2;

    private ReceiptCheckpoints()
    {
    }

    static byte[] value(final long[] start, final long[] end)
    {
        final ByteBuffer b = ByteBuffer.allocate(HEADER + start.length * 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(TYPE).putShort((short)start.length);
        for (int p = 0; p < start.length; p++)
        {
            b.putLong(start[p]).putLong(end[p]);
        }
        return b.array();
    }

    static boolean isCheckpoint(final byte[] value)
    {
        return value != null && value.length > 0 && value[0] == TYPE;
    }

    /**
     * Reads a checkpoint into {@code start} and {@code end} (as long as the status topic has partitions).
     *
     * @return null when it is one, else what is wrong.
     */
    static String read(final byte[] value, final long[] start, final long[] end)
    {
        if (!isCheckpoint(value) || value.length < HEADER)
        {
            return "resumeAfter: not a receipt position (its record on the status topic is no checkpoint)";
        }
        final ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        final int partitions = b.getShort() & 0xFFFF;
        if (partitions != start.length || value.length != HEADER + partitions * 16)
        {
            return "resumeAfter: the position was taken when the status topic had " + partitions +
                " partitions, it has " + start.length + " now; resume from 0";
        }
        for (int p = 0; p < partitions; p++)
        {
            start[p] = b.getLong();
            end[p] = b.getLong();
            if (start[p] < 0 || end[p] < start[p])
            {
                return "resumeAfter: the checkpoint of this position is damaged (partition " + p + ")";
            }
        }
        return null;
    }

    /** @return the records of the segment (offsets are dense on the status topic: no compaction, no transactions). */
    static long records(final long[] start, final long[] end)
    {
        long n = 0;
        for (int p = 0; p < start.length; p++)
        {
            n += end[p] - start[p];
        }
        return n;
    }
}
