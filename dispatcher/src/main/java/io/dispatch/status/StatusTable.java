package io.dispatch.status;

import org.agrona.collections.Long2LongHashMap;

/**
 * Latest state of the most recent {@code capacity} messages, for STATUS queries and receipt routing.
 * Entries live in a circular array in acceptance order; when it is full the oldest entry is evicted
 * (its id is remembered as evicted by being older than {@link #oldestRetainedId()}).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the post-journal ring thread (and recovery before it starts).
 */
public final class StatusTable
{
    private static final long MISSING = -1;

    private final int mask;
    private final Long2LongHashMap slotById;
    private final long[] ids;
    private final byte[] states;
    private final byte[] attempts;
    private final short[] reasons;
    private final long[] updatedAt;
    private final byte[] channels;
    private final byte[] kinds;
    private final short[] tenants;
    private final int[] sessionRefs;
    private long next;
    private long oldestRetainedId = Long.MIN_VALUE;

    public StatusTable(final int capacity)
    {
        final int n = Integer.highestOneBit(capacity - 1) << 1;
        mask = n - 1;
        slotById = new Long2LongHashMap(Math.min(n, 1 << 16), 0.65f, MISSING);
        ids = new long[n];
        states = new byte[n];
        attempts = new byte[n];
        reasons = new short[n];
        updatedAt = new long[n];
        channels = new byte[n];
        kinds = new byte[n];
        tenants = new short[n];
        sessionRefs = new int[n];
    }

    /** Records a newly accepted message. Ids arrive in increasing order. */
    public void insert(
        final long messageId, final byte state, final long atMs, final byte channel, final byte kind, final int tenantId,
        final int sessionRef)
    {
        final int slot = (int)(next++ & mask);
        if (next > ids.length)
        {
            slotById.remove(ids[slot]);
            oldestRetainedId = ids[(slot + 1) & mask];
        }
        ids[slot] = messageId;
        states[slot] = state;
        attempts[slot] = 0;
        reasons[slot] = 0;
        updatedAt[slot] = atMs;
        channels[slot] = channel;
        kinds[slot] = kind;
        tenants[slot] = (short)tenantId;
        sessionRefs[slot] = sessionRef;
        slotById.put(messageId, slot);
    }

    /** @return the slot of {@code messageId}, or -1 when unknown or evicted. */
    public int find(final long messageId)
    {
        return (int)slotById.get(messageId);
    }

    public void update(final int slot, final byte state, final byte attemptCount, final short reason, final long atMs)
    {
        states[slot] = state;
        attempts[slot] = attemptCount;
        reasons[slot] = reason;
        updatedAt[slot] = atMs;
    }

    /** Recovery: the session of a replayed message is gone. */
    public void clearSession(final int slot)
    {
        sessionRefs[slot] = 0;
    }

    public boolean wasEvicted(final long messageId)
    {
        return next > ids.length && messageId < oldestRetainedId;
    }

    public long oldestRetainedId()
    {
        return oldestRetainedId;
    }

    public byte state(final int slot) { return states[slot]; }
    public byte attempts(final int slot) { return attempts[slot]; }
    public short reason(final int slot) { return reasons[slot]; }
    public long updatedAt(final int slot) { return updatedAt[slot]; }
    public byte channel(final int slot) { return channels[slot]; }
    public byte kind(final int slot) { return kinds[slot]; }
    public int tenant(final int slot) { return tenants[slot]; }
    public int sessionRef(final int slot) { return sessionRefs[slot]; }
    public int size() { return slotById.size(); }
}
