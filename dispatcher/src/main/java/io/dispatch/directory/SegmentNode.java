package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

/** A node of a compiled segment expression. Immutable. */
interface SegmentNode
{
    /**
     * @param filter the recipients still in question (the live set at the top; within a conjunction what
     *               the predicates before this one selected), so each operation works on the smaller set.
     * @return a new bitmap, a subset of the filter, the caller owns.
     */
    RoaringBitmap evaluate(TenantDirectory t, long nowMs, RoaringBitmap filter);

    /** The same predicate decided for one recipient from its columns: the brute-force reference. */
    boolean matches(TenantDirectory t, int ordinal, long nowMs);
}
