package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A bit-sliced range index (O'Neil and Quass, "Improved query performance with variant indexes", 1997) over
 * one signed long per ordinal: slice j holds the ordinals whose value has bit j set, in two's complement of
 * {@link #depth()} bits. The depth grows to fit the widest value seen (sign-extending the top slice), so
 * birth years take 12 slices and epoch-millisecond times about 42. A range costs two passes of about two
 * bitmap operations per slice, whatever the range: no bucket unions, no per-recipient scan.
 * <p>
 * Comparison is on the unsigned key {@code value + 2^(depth-1)}: the same bits with the top (sign) bit
 * inverted, which orders negative values first. <b>Note:</b> single writer.
 */
final class BitSlicedIndex
{
    private final RoaringBitmap exists = new RoaringBitmap();
    private RoaringBitmap[] slices = {new RoaringBitmap()};

    int depth()
    {
        return slices.length;
    }

    RoaringBitmap exists()
    {
        return exists;
    }

    void add(final int ordinal, final long value)
    {
        fit(value);
        exists.add(ordinal);
        final int depth = slices.length;
        for (int j = 0; j < depth; j++)
        {
            if ((value >>> Math.min(j, 63) & 1) != 0)
            {
                slices[j].add(ordinal);
            }
        }
    }

    /** @param value the value the ordinal holds now (the caller's column), so only its set slices are touched. */
    void remove(final int ordinal, final long value)
    {
        exists.remove(ordinal);
        final int depth = slices.length;
        for (int j = 0; j < depth; j++)
        {
            if ((value >>> Math.min(j, 63) & 1) != 0)
            {
                slices[j].remove(ordinal);
            }
        }
    }

    /** @return a new bitmap of the ordinals whose value is within [lo, hi]. */
    RoaringBitmap range(final long lo, final long hi)
    {
        if (lo > hi || exists.isEmpty())
        {
            return new RoaringBitmap();
        }
        final long min = minValue();
        final long max = maxValue();
        if (lo > max || hi < min)
        {
            return new RoaringBitmap();
        }
        final RoaringBitmap result = lo <= min ? exists.clone() : greaterOrEqual(lo);
        if (hi < max)
        {
            result.and(lessOrEqual(hi));
        }
        return result;
    }

    private RoaringBitmap greaterOrEqual(final long c)
    {
        final long key = toKey(c);
        final RoaringBitmap greater = new RoaringBitmap();
        final RoaringBitmap equal = exists.clone();
        for (int j = slices.length - 1; j >= 0 && !equal.isEmpty(); j--)
        {
            final RoaringBitmap slice = keySlice(j);
            if ((key >>> j & 1) != 0)
            {
                equal.and(slice);
            }
            else
            {
                greater.or(RoaringBitmap.and(equal, slice));
                equal.andNot(slice);
            }
        }
        greater.or(equal);
        return greater;
    }

    private RoaringBitmap lessOrEqual(final long c)
    {
        final long key = toKey(c);
        final RoaringBitmap less = new RoaringBitmap();
        final RoaringBitmap equal = exists.clone();
        for (int j = slices.length - 1; j >= 0 && !equal.isEmpty(); j--)
        {
            final RoaringBitmap slice = keySlice(j);
            if ((key >>> j & 1) != 0)
            {
                less.or(RoaringBitmap.andNot(equal, slice));
                equal.and(slice);
            }
            else
            {
                equal.andNot(slice);
            }
        }
        less.or(equal);
        return less;
    }

    /** Slice j of the unsigned key: the value's slice, inverted within {@code exists} for the sign bit. */
    private RoaringBitmap keySlice(final int j)
    {
        return j == slices.length - 1 ? RoaringBitmap.andNot(exists, slices[j]) : slices[j];
    }

    /** The value's key bits; only called with values within [min, max] of the current depth. */
    private long toKey(final long value)
    {
        return value ^ (1L << (slices.length - 1));
    }

    private long minValue()
    {
        return slices.length == 64 ? Long.MIN_VALUE : -(1L << (slices.length - 1));
    }

    private long maxValue()
    {
        return slices.length == 64 ? Long.MAX_VALUE : (1L << (slices.length - 1)) - 1;
    }

    /** Widens the index to hold the value: new slices copy the old sign slice (sign extension). */
    private void fit(final long value)
    {
        final int need = 65 - Long.numberOfLeadingZeros(value < 0 ? ~value : value);
        final int depth = slices.length;
        if (need <= depth)
        {
            return;
        }
        final int newDepth = Math.min(64, need);
        slices = Arrays.copyOf(slices, newDepth);
        for (int j = depth; j < newDepth; j++)
        {
            slices[j] = slices[depth - 1].clone();
        }
    }

    long sizeInBytes()
    {
        long bytes = exists.getLongSizeInBytes();
        for (final RoaringBitmap slice : slices)
        {
            bytes += slice.getLongSizeInBytes();
        }
        return bytes;
    }

    void runOptimize()
    {
        exists.runOptimize();
        for (final RoaringBitmap slice : slices)
        {
            slice.runOptimize();
        }
    }

    void write(final DataOutput out) throws IOException
    {
        exists.serialize(out);
        out.writeInt(slices.length);
        for (final RoaringBitmap slice : slices)
        {
            slice.serialize(out);
        }
    }

    void read(final DataInput in) throws IOException
    {
        exists.deserialize(in);
        slices = new RoaringBitmap[in.readInt()];
        for (int j = 0; j < slices.length; j++)
        {
            slices[j] = new RoaringBitmap();
            slices[j].deserialize(in);
        }
    }
}
