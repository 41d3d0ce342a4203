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
 * <p>
 * Most segment ranges are over few distinct coarse values (birth years, days of a last visit), and OR-ing
 * those values' bitmaps is several times cheaper than two passes over a dozen or more bit slices. So the
 * attribute also keeps {@link ValueBuckets}: one bitmap per value (INT) or per Seoul-agnostic UTC day (TIME),
 * built on the first range query (a load does not pay for it) and kept up to date after, while there are
 * at most {@link ValueBuckets#MAX_BUCKETS} of them.
 */
final class NumberAttribute extends Attribute
{
    private static final long TIME_KEY_MS = 60_000L;

    private final LongColumn values = new LongColumn();
    private final BitSlicedIndex index = new BitSlicedIndex();
    private ValueBuckets buckets;
    private boolean bucketsUnusable;

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
            if (buckets != null)
            {
                buckets.remove(ordinal, bucketKey(old));
            }
        }
        values.set(ordinal, value);
        index.add(ordinal, key(value));
        if (buckets != null && !buckets.add(ordinal, bucketKey(value)))
        {
            dropBuckets();
        }
    }

    private long bucketKey(final long value)
    {
        return type == DirectoryOp.TIME ? Math.floorDiv(value, ValueBuckets.DAY_MS) : value;
    }

    private void dropBuckets()
    {
        buckets = null;
        bucketsUnusable = true;
    }

    /** Builds the buckets from the column on first use; null when the values are too many for them. */
    private ValueBuckets buckets()
    {
        if (buckets == null && !bucketsUnusable)
        {
            final ValueBuckets built = new ValueBuckets();
            final org.roaringbitmap.IntIterator it = index.exists().getIntIterator();
            while (it.hasNext())
            {
                final int ordinal = it.next();
                if (!built.add(ordinal, bucketKey(values.get(ordinal))))
                {
                    bucketsUnusable = true;
                    return null;
                }
            }
            buckets = built;
        }
        return buckets;
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
            if (buckets != null)
            {
                buckets.remove(ordinal, bucketKey(values.get(ordinal)));
            }
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
        final ValueBuckets b = buckets();
        if (b != null)
        {
            final RoaringBitmap viaBuckets = type == DirectoryOp.TIME
                ? b.range(bucketKey(lo), bucketKey(hi), filter, index.exists(), values, lo, hi)
                : b.range(lo, hi, filter, index.exists(), null, lo, hi);
            if (viaBuckets != null)
            {
                return viaBuckets;
            }
        }
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
