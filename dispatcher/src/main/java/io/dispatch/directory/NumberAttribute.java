package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An INT or TIME (epoch ms) attribute: a long column plus a {@link BitSlicedIndex} for ranges. TIME is
 * indexed by the minute (26 slices for today's dates instead of 42 for milliseconds: fewer bitmap operations
 * per query and per update); a range whose bound falls inside a minute is made exact by checking the column
 * for the recipients in that boundary minute only (about count / 1M of a 10M base spread over two years).
 */
final class NumberAttribute extends Attribute
{
    private static final long TIME_KEY_MS = 60_000L;

    private final LongColumn values = new LongColumn();
    private final BitSlicedIndex index = new BitSlicedIndex();

    NumberAttribute(final int id, final String name, final byte type)
    {
        super(id, name, type);
    }

    void set(final int ordinal, final long value)
    {
        if (index.exists().contains(ordinal))
        {
            final long old = values.get(ordinal);
            if (old == value)
            {
                return;
            }
            index.remove(ordinal, key(old));
        }
        values.set(ordinal, value);
        index.add(ordinal, key(value));
    }

    private long key(final long value)
    {
        return type == DirectoryOp.TIME ? Math.floorDiv(value, TIME_KEY_MS) : value;
    }

    @Override
    void unset(final int ordinal)
    {
        if (index.exists().contains(ordinal))
        {
            index.remove(ordinal, key(values.get(ordinal)));
            values.set(ordinal, 0);
        }
    }

    long value(final int ordinal)
    {
        return values.get(ordinal);
    }

    /** @return a new bitmap of the ordinals of the filter whose value is within [lo, hi]. */
    RoaringBitmap range(final long lo, final long hi, final RoaringBitmap filter)
    {
        if (type != DirectoryOp.TIME)
        {
            return index.range(lo, hi, filter, null, null);
        }
        final RoaringBitmap loEdge = lo != Long.MIN_VALUE && Math.floorMod(lo, TIME_KEY_MS) != 0 ? new RoaringBitmap() : null;
        final RoaringBitmap hiEdge = hi != Long.MAX_VALUE && Math.floorMod(hi, TIME_KEY_MS) != TIME_KEY_MS - 1
            ? new RoaringBitmap() : null;
        final RoaringBitmap result = index.range(Math.floorDiv(lo, TIME_KEY_MS), Math.floorDiv(hi, TIME_KEY_MS), filter,
            loEdge, hiEdge);
        if (loEdge != null)
        {
            loEdge.forEach((org.roaringbitmap.IntConsumer)o ->
            {
                if (values.get(o) < lo)
                {
                    result.remove(o);
                }
            });
        }
        if (hiEdge != null)
        {
            hiEdge.forEach((org.roaringbitmap.IntConsumer)o ->
            {
                if (values.get(o) > hi)
                {
                    result.remove(o);
                }
            });
        }
        return result;
    }

    @Override
    RoaringBitmap exists()
    {
        return index.exists();
    }

    @Override
    int text(final int ordinal, final byte[] dst, final int at)
    {
        if (!index.exists().contains(ordinal))
        {
            return -1;
        }
        final long value = values.get(ordinal);
        return type == DirectoryOp.TIME ? SeoulCalendar.writeIsoDate(value, dst, at) : writeDecimal(value, dst, at);
    }

    private static int writeDecimal(final long value, final byte[] dst, final int at)
    {
        final int length = value == Long.MIN_VALUE ? 20 : decimalLength(value);
        if (at + length > dst.length)
        {
            return -1;
        }
        if (value == Long.MIN_VALUE)
        {
            final byte[] min = Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, dst, at, length);
            return length;
        }
        long v = Math.abs(value);
        int p = at + length;
        do
        {
            dst[--p] = (byte)('0' + v % 10);
            v /= 10;
        }
        while (v != 0);
        if (value < 0)
        {
            dst[at] = '-';
        }
        return length;
    }

    private static int decimalLength(final long value)
    {
        long v = Math.abs(value);
        int digits = 1;
        while (v >= 10)
        {
            v /= 10;
            digits++;
        }
        return value < 0 ? digits + 1 : digits;
    }

    @Override
    long sizeInBytes()
    {
        return index.sizeInBytes();
    }

    @Override
    void write(final DataOutput out, final int size) throws IOException
    {
        values.write(out, size);
        index.write(out);
    }

    @Override
    void read(final DataInput in, final int size) throws IOException
    {
        values.read(in, size);
        index.read(in);
    }
}
