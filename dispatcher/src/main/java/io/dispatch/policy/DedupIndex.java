package io.dispatch.policy;

import io.dispatch.status.DedupState;
import org.agrona.collections.Long2LongHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Tenant-scoped idempotency keys within a horizon: key hash → message id, expired in insertion order.
 * A key is stored as a 64-bit hash of (tenant, key bytes): two different keys collide with probability
 * about n²/2⁶⁵ (≈ 3·10⁻⁶ with 10M live keys). Memory: the map's two long slots per entry at load factor
 * 0.65 plus 16 bytes in the expiry FIFO.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the journal stage thread (and by recovery before it starts).
 */
public final class DedupIndex implements DedupState
{
    private static final long MISSING = Long.MIN_VALUE;

    private final long horizonMs;
    private final Long2LongHashMap idByKey = new Long2LongHashMap(1 << 16, 0.65f, MISSING);
    private long[] fifoKeys = new long[1 << 12];
    private long[] fifoTimes = new long[1 << 12];
    /** The id each FIFO entry recorded: its expiry removes the key only if the key still maps to it. */
    private long[] fifoIds = new long[1 << 12];
    private int head;
    private int tail;

    public DedupIndex(final long horizonMs)
    {
        this.horizonMs = horizonMs;
    }

    public long horizonMs()
    {
        return horizonMs;
    }

    /** @return the message id already recorded for {@code keyHash}, or -1. Expires old keys first. */
    public long find(final long keyHash, final long nowMs)
    {
        expire(nowMs);
        final long id = idByKey.get(keyHash);
        return id == MISSING ? -1 : id;
    }

    @Override
    public void record(final long keyHash, final long messageId, final long atMs)
    {
        if (horizonMs <= 0)
        {
            return;
        }
        if (idByKey.put(keyHash, messageId) == messageId)
        {
            return; // already there: its FIFO entry expires it
        }
        if (tail - head == fifoKeys.length)
        {
            grow();
        }
        final int mask = fifoKeys.length - 1;
        fifoKeys[tail & mask] = keyHash;
        fifoTimes[tail & mask] = atMs;
        fifoIds[tail & mask] = messageId;
        tail++;
    }

    /**
     * Forgets {@code keyHash} if it still maps to {@code messageId}: that copy was dropped unsent, and the same key
     * coming back is the message itself, not a duplicate of it (cluster mode: a partition handed away and back). Its
     * FIFO entry stays until it expires and then removes nothing.
     */
    public void forget(final long keyHash, final long messageId)
    {
        if (idByKey.get(keyHash) == messageId)
        {
            idByKey.remove(keyHash);
        }
    }

    @Override
    public int size()
    {
        return idByKey.size();
    }

    /**
     * Writes the keys still within the horizon at {@code nowMs}, oldest first, for a journal snapshot. Only by the
     * index's owner (a snapshot folds the journal into an index of its own).
     */
    @Override
    public void writeSnapshot(final DataOutput out, final long nowMs) throws IOException
    {
        expire(nowMs);
        final int mask = fifoKeys.length - 1;
        int live = 0;
        for (int i = head; i != tail; i++)
        {
            live += idByKey.get(fifoKeys[i & mask]) == fifoIds[i & mask] ? 1 : 0;
        }
        out.writeInt(live);
        for (int i = head; i != tail; i++)
        {
            final long key = fifoKeys[i & mask];
            if (idByKey.get(key) == fifoIds[i & mask])
            {
                out.writeLong(key);
                out.writeLong(fifoIds[i & mask]);
                out.writeLong(fifoTimes[i & mask]);
            }
        }
    }

    /** Adds the keys {@link #writeSnapshot} wrote, in their order, before the journal's tail is replayed over them. */
    @Override
    public void readSnapshot(final DataInput in) throws IOException
    {
        final int n = in.readInt();
        for (int i = 0; i < n; i++)
        {
            final long key = in.readLong();
            final long id = in.readLong();
            record(key, id, in.readLong());
        }
    }

    private void expire(final long nowMs)
    {
        final int mask = fifoKeys.length - 1;
        while (head != tail && fifoTimes[head & mask] + horizonMs <= nowMs)
        {
            final long key = fifoKeys[head & mask];
            if (idByKey.get(key) == fifoIds[head & mask])
            {
                idByKey.remove(key);
            }
            head++;
        }
    }

    private void grow()
    {
        final int n = fifoKeys.length;
        final long[] keys = new long[n << 1];
        final long[] times = new long[n << 1];
        final long[] ids = new long[n << 1];
        for (int i = 0; i < n; i++)
        {
            keys[i] = fifoKeys[(head + i) & (n - 1)];
            times[i] = fifoTimes[(head + i) & (n - 1)];
            ids[i] = fifoIds[(head + i) & (n - 1)];
        }
        fifoKeys = keys;
        fifoTimes = times;
        fifoIds = ids;
        tail = n;
        head = 0;
    }

    /** 64-bit hash of a tenant id and key bytes (FNV-1a, then the MurmurHash3 finaliser). Never 0. */
    public static long hash(final int tenantId, final byte[] b, final int offset, final int length)
    {
        long h = 0xcbf29ce484222325L ^ tenantId;
        h *= 0x100000001b3L;
        for (int i = 0; i < length; i++)
        {
            h ^= b[offset + i] & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
