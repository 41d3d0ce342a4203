package io.dispatch.directory;

/**
 * A compiled segment expression (see docs/segments.md). Immutable; holds attribute names, not a tenant's
 * columns, so it stays valid across snapshots of the tenant it was compiled for. Evaluate it with
 * {@link TenantDirectory#evaluate}.
 */
public final class Segment
{
    private final String expression;
    private final SegmentNode root;

    Segment(final String expression, final SegmentNode root)
    {
        this.expression = expression;
        this.root = root;
    }

    public String expression()
    {
        return expression;
    }

    SegmentNode root()
    {
        return root;
    }

    /** Whether the recipient matches, by reading its columns, not the indexes: the reference for tests. */
    boolean matches(final TenantDirectory t, final int ordinal, final long nowEpochMs)
    {
        return t.live.contains(ordinal) && root.matches(t, ordinal, nowEpochMs);
    }

    @Override
    public String toString()
    {
        return expression;
    }
}
