package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

/** A node of a compiled segment expression. Immutable. */
interface SegmentNode
{
    /** @return a new bitmap the caller owns; may hold deleted ordinals only where documented (none today). */
    RoaringBitmap evaluate(TenantDirectory t, long nowMs);

    /** The same predicate decided for one recipient from its columns: the brute-force reference. */
    boolean matches(TenantDirectory t, int ordinal, long nowMs);
}
