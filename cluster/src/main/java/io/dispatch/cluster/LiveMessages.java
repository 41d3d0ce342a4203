package io.dispatch.cluster;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The messages this node took from the cluster log and has not finished, by local (journal) id: their cluster id,
 * partition and the ownership epoch they were fed in. Written by the journal thread ({@link StateObserver}) only;
 * read by the lanes ({@link OwnershipFence}) with no lock: open addressing over atomic arrays, deletions leave a
 * tombstone, and a rebuild publishes new arrays (a reader on the old ones still finds what it was given before).
 * <p>
 * A lane only asks about a message the journal thread handed it after recording it here, so a reader never misses
 * an entry it is entitled to.
 */
final class LiveMessages
{
    static final long NONE = -1;
    private static final long EMPTY = 0;
    private static final long DELETED = Long.MIN_VALUE;

    private static final class Table
    {
        final AtomicLongArray keys;
        /** partition << 32 | epoch: what a lane needs. */
        final AtomicLongArray meta;
        /** The writer's own: the cluster id and whether a send is at the provider. */
        final long[] clusterIds;
        /** Its idempotency key's hash (0: none), to forget it if this copy is dropped unsent. */
        final long[] keyHashes;
        final boolean[] sending;
        final int mask;

        Table(final int capacity)
        {
            keys = new AtomicLongArray(capacity);
            meta = new AtomicLongArray(capacity);
            clusterIds = new long[capacity];
            keyHashes = new long[capacity];
            sending = new boolean[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(1 << 14);
    private int live;
    private int used;

    /** Writer: records a message; {@code id} is a journal index (> 0). */
    void put(final long id, final long clusterId, final int partition, final int epoch)
    {
        put(id, clusterId, partition, epoch, 0);
    }

    /** Writer: records a message with its idempotency key's hash (0: none). */
    void put(final long id, final long clusterId, final int partition, final int epoch, final long keyHash)
    {
        Table t = table;
        if ((used + 1) * 2 > t.mask + 1)
        {
            t = rebuild(t);
        }
        int i = slot(id) & t.mask;
        while (true)
        {
            final long k = t.keys.get(i);
            if (k == EMPTY || k == DELETED || k == id)
            {
                if (k == EMPTY)
                {
                    used++;
                }
                if (k != id)
                {
                    live++;
                }
                t.clusterIds[i] = clusterId;
                t.keyHashes[i] = keyHash;
                t.sending[i] = false;
                t.meta.set(i, (long)partition << 32 | (epoch & 0xFFFF_FFFFL));
                t.keys.set(i, id); // published last: a reader that finds the key finds its meta
                return;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Any thread. @return partition << 32 | epoch, or {@link #NONE} when the id is not live here. */
    long meta(final long id)
    {
        final Table t = table;
        int i = slot(id) & t.mask;
        while (true)
        {
            final long k = t.keys.get(i);
            if (k == id)
            {
                return t.meta.get(i);
            }
            if (k == EMPTY)
            {
                return NONE;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Writer. @return the slot of {@code id} in the current table, -1 when absent. */
    int find(final long id)
    {
        final Table t = table;
        int i = slot(id) & t.mask;
        while (true)
        {
            final long k = t.keys.get(i);
            if (k == id)
            {
                return i;
            }
            if (k == EMPTY)
            {
                return -1;
            }
            i = (i + 1) & t.mask;
        }
    }

    long clusterId(final int slot)
    {
        return table.clusterIds[slot];
    }

    long keyHash(final int slot)
    {
        return table.keyHashes[slot];
    }

    int epoch(final int slot)
    {
        return (int)table.meta.get(slot);
    }

    boolean sending(final int slot)
    {
        return table.sending[slot];
    }

    void sending(final int slot, final boolean value)
    {
        table.sending[slot] = value;
    }

    void removeAt(final int slot)
    {
        table.keys.set(slot, DELETED);
        live--;
    }

    interface KeyForgetter
    {
        void forget(long keyHash, long id);
    }

    /** Writer: each live message with a key whose partition is no longer owned in the epoch it was fed in. */
    void forEachStale(final OwnershipFence fence, final KeyForgetter forgetter)
    {
        final Table t = table;
        for (int i = 0; i <= t.mask; i++)
        {
            final long k = t.keys.get(i);
            if (k != EMPTY && k != DELETED && t.keyHashes[i] != 0)
            {
                final long meta = t.meta.get(i);
                if (fence.epoch((int)(meta >>> 32)) != (int)meta)
                {
                    forgetter.forget(t.keyHashes[i], k);
                }
            }
        }
    }

    int size()
    {
        return live;
    }

    /** Drops the tombstones (and grows when over a quarter full): new arrays, published whole. */
    private Table rebuild(final Table old)
    {
        int capacity = old.mask + 1;
        while (live * 4 > capacity)
        {
            capacity <<= 1;
        }
        final Table t = new Table(capacity);
        for (int j = 0; j <= old.mask; j++)
        {
            final long k = old.keys.get(j);
            if (k != EMPTY && k != DELETED)
            {
                int i = slot(k) & t.mask;
                while (t.keys.get(i) != EMPTY)
                {
                    i = (i + 1) & t.mask;
                }
                t.clusterIds[i] = old.clusterIds[j];
                t.keyHashes[i] = old.keyHashes[j];
                t.sending[i] = old.sending[j];
                t.meta.set(i, old.meta.get(j));
                t.keys.set(i, k);
            }
        }
        used = live;
        table = t;
        return t;
    }

    private static int slot(final long id)
    {
        final long h = id * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32));
    }
}
