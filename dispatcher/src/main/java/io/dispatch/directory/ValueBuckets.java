package io.dispatch.directory;

import org.agrona.collections.Long2ObjectHashMap;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;

/**
 * One bitmap per coarse value of a {@link NumberAttribute}: the value itself for INT, the UTC day for TIME.
 * A range is the OR of the buckets inside it (or the complement of those outside, whichever is fewer),
 * plus, for TIME, the members of the two boundary days whose exact value is in range. Used only while the
 * attribute has at most {@link #MAX_BUCKETS} distinct coarse values; beyond that the bit slices answer.
 * <b>Note:</b> single writer, the directory's thread.
 */
final class ValueBuckets
{
    static final int MAX_BUCKETS = 4096;
    static final long DAY_MS = 86_400_000L;
    /** Beyond this many buckets to OR, the bit-sliced index is the cheaper way. */
    private static final int MAX_BUCKETS_PER_QUERY = 256;

    private final Long2ObjectHashMap<RoaringBitmap> byKey = new Long2ObjectHashMap<>();

    /** @return false when the attribute now has too many distinct values for buckets. */
    boolean add(final int ordinal, final long key)
    {
        RoaringBitmap b = byKey.get(key);
        if (b == null)
        {
            if (byKey.size() >= MAX_BUCKETS)
            {
                return false;
            }
            b = new RoaringBitmap();
            byKey.put(key, b);
        }
        b.add(ordinal);
        return true;
    }

    void remove(final int ordinal, final long key)
    {
        final RoaringBitmap b = byKey.get(key);
        if (b != null)
        {
            b.remove(ordinal);
            if (b.isEmpty())
            {
                byKey.remove(key);
            }
        }
    }

    /**
     * The members of {@code filter} whose value is in [lo, hi], by bucket keys [loKey, hiKey].
     *
     * @param exact the column to check boundary buckets against (TIME), or null when keys are the values.
     * @return the result, or null when too many buckets would take part (use the bit slices).
     */
    RoaringBitmap range(final long loKey, final long hiKey, final RoaringBitmap filter, final RoaringBitmap exists,
        final LongColumn exact, final long lo, final long hi)
    {
        final List<RoaringBitmap> inside = new ArrayList<>();
        final List<RoaringBitmap> outside = new ArrayList<>();
        final List<RoaringBitmap> edges = new ArrayList<>();
        final Long2ObjectHashMap<RoaringBitmap>.EntryIterator it = byKey.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            final long key = it.getLongKey();
            final RoaringBitmap b = it.getValue();
            if (key < loKey || key > hiKey)
            {
                outside.add(b);
            }
            else if (exact != null && (key == loKey || key == hiKey))
            {
                edges.add(b);
            }
            else
            {
                inside.add(b);
            }
        }
        if (Math.min(inside.size(), outside.size()) > MAX_BUCKETS_PER_QUERY)
        {
            return null;
        }
        final RoaringBitmap result;
        if (inside.size() <= outside.size())
        {
            result = inside.isEmpty() ? new RoaringBitmap() : FastAggregation.or(inside.iterator());
            result.and(filter);
        }
        else
        {
            final RoaringBitmap notIn = FastAggregation.or(outside.iterator());
            for (final RoaringBitmap edge : edges)
            {
                notIn.or(edge);
            }
            // only recipients with a value can be in range
            result = RoaringBitmap.and(filter, exists);
            result.andNot(notIn);
        }
        for (final RoaringBitmap edge : edges)
        {
            final RoaringBitmap candidates = RoaringBitmap.and(edge, filter);
            candidates.forEach((org.roaringbitmap.IntConsumer)o ->
            {
                final long v = exact.get(o);
                if (v >= lo && v <= hi)
                {
                    result.add(o);
                }
            });
        }
        return result;
    }
}
