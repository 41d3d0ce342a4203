package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** An INT or TIME (epoch ms) attribute: a long column plus a {@link BitSlicedIndex} for ranges. */
final class NumberAttribute extends Attribute
{
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
            index.remove(ordinal, old);
        }
        values.set(ordinal, value);
        index.add(ordinal, value);
    }

    @Override
    void unset(final int ordinal)
    {
        if (index.exists().contains(ordinal))
        {
            index.remove(ordinal, values.get(ordinal));
            values.set(ordinal, 0);
        }
    }

    long value(final int ordinal)
    {
        return values.get(ordinal);
    }

    /** @return a new bitmap of the ordinals whose value is within [lo, hi]. */
    RoaringBitmap range(final long lo, final long hi)
    {
        return index.range(lo, hi);
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

    void runOptimize()
    {
        index.runOptimize();
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
