package io.dispatch.cluster;

/**
 * A node's view of the latest state of recent cluster messages, from the status topic, to answer STATUS for any
 * cluster id whichever node sends it. Direct-mapped by (offset, partition) like {@link AckedIds}: it holds about the
 * last {@code capacity / partitions} messages per partition; an older one is answered NOT_FOUND with that reason.
 * <p>
 * <b>Note:</b> one thread (the {@link StatusFollower}).
 */
final class StatusView
{
    private final long[] ids;
    private final byte[] states;
    private final byte[] attempts;
    private final short[] reasons;
    private final long[] updatedAts;
    private final byte[] channels;
    private final byte[] kinds;
    private final int[] tenants;
    private final int partitions;
    private final int mask;

    /** @param capacity a power of two. */
    StatusView(final int capacity, final int partitions)
    {
        ids = new long[capacity];
        states = new byte[capacity];
        attempts = new byte[capacity];
        reasons = new short[capacity];
        updatedAts = new long[capacity];
        channels = new byte[capacity];
        kinds = new byte[capacity];
        tenants = new int[capacity];
        this.partitions = partitions;
        mask = capacity - 1;
    }

    private int slot(final long id)
    {
        return (int)(ClusterMessageIds.offset(id) * partitions + ClusterMessageIds.partition(id)) & mask;
    }

    void update(final long id, final int tenantId, final byte state, final byte attempts, final short reason,
        final long atMs, final byte channel, final byte kind)
    {
        final int s = slot(id);
        ids[s] = id;
        tenants[s] = tenantId;
        states[s] = state;
        this.attempts[s] = attempts;
        reasons[s] = reason;
        updatedAts[s] = atMs;
        channels[s] = channel;
        kinds[s] = kind;
    }

    /** @return the slot holding {@code id}, or -1. */
    int find(final long id)
    {
        final int s = slot(id);
        return ids[s] == id && id != 0 ? s : -1;
    }

    int tenant(final int slot)
    {
        return tenants[slot];
    }

    byte state(final int slot)
    {
        return states[slot];
    }

    byte attempts(final int slot)
    {
        return attempts[slot];
    }

    short reason(final int slot)
    {
        return reasons[slot];
    }

    long updatedAt(final int slot)
    {
        return updatedAts[slot];
    }

    byte channel(final int slot)
    {
        return channels[slot];
    }

    byte kind(final int slot)
    {
        return kinds[slot];
    }
}
