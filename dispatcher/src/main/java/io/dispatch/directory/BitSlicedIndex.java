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
        return range(lo, hi, exists, null, null);
    }

    /**
     * @param filter only ordinals in it are considered: a conjunction passes what its earlier predicates
     *               selected, so every bitmap operation works on that (usually much smaller) set.
     * @param loEdge when not null, receives the ordinals of the result whose value equals lo (the same for
     *               hiEdge and hi): a coarser-keyed caller refines its boundary keys from these alone.
     * @return a new bitmap of the ordinals of the filter whose value is within [lo, hi].
     */
    RoaringBitmap range(final long lo, final long hi, final RoaringBitmap filter, final RoaringBitmap loEdge,
        final RoaringBitmap hiEdge)
    {
        final long min = minValue();
        final long max = maxValue();
        if (lo > hi || lo > max || hi < min || exists.isEmpty())
        {
            return new RoaringBitmap();
        }
        RoaringBitmap result = RoaringBitmap.and(exists, filter);
        if (lo > min || loEdge != null && lo == min)
        {
            result = compare(result, lo, true, loEdge);
        }
        if (hi < max || hiEdge != null && hi == max)
        {
            result = compare(result, hi, false, hiEdge);
        }
        return result;
    }

    /**
     * One pass from the top slice down (O'Neil's algorithm) over the candidates: those with a key greater
     * (atLeast) or smaller than c's are decided at the first differing bit; those still equal after the last
     * slice equal c. The key's top bit is the value's sign bit inverted: that slice is used with and/andNot
     * swapped rather than materialised. @return candidates with value >= c (atLeast) or <= c.
     */
    private RoaringBitmap compare(final RoaringBitmap candidates, final long c, final boolean atLeast,
        final RoaringBitmap edge)
    {
        final long key = toKey(c);
        final RoaringBitmap decided = new RoaringBitmap();
        final RoaringBitmap equal = candidates;
        final int top = slices.length - 1;
        for (int j = top; j >= 0 && !equal.isEmpty(); j--)
        {
            final RoaringBitmap slice = slices[j];
            final boolean bit = (key >>> j & 1) != 0;
            // Candidates whose key has bit j set are the slice's members, except at the top (sign) slice.
            final boolean keyOneIsMember = j != top;
            if (atLeast == bit)
            {
                // Candidates whose key bit differs from c's here are below (atLeast) or above c: drop them.
                if (bit == keyOneIsMember)
                {
                    equal.and(slice);
                }
                else
                {
                    equal.andNot(slice);
                }
            }
            else
            {
                // Those whose key bit differs from c's are decided in range; the rest stay equal so far.
                final boolean decidedAreMembers = atLeast == keyOneIsMember;
                decided.or(decidedAreMembers ? RoaringBitmap.and(equal, slice) : RoaringBitmap.andNot(equal, slice));
                if (decidedAreMembers)
                {
                    equal.andNot(slice);
                }
                else
                {
                    equal.and(slice);
                }
            }
        }
        if (edge != null)
        {
            edge.or(equal);
        }
        decided.or(equal);
        return decided;
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
