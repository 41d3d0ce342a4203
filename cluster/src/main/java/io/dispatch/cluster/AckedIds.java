package io.dispatch.cluster;

import io.dispatch.ingest.SessionProxy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sessions this node ACKed cluster ids to, for their connection-scoped receipts: the owner that sends a message
 * does not know the connection, the node that acked it does. An id is recorded when Kafka confirms the write (on the
 * producer's thread, before the owner can normally have sent it) and marked acked on the session's event loop once
 * the ACK is written; the {@link StatusFollower} holds a receipt back until then, so a receipt never precedes its
 * ACK.
 * <p>
 * A state change can in principle come back before the producer thread handled Kafka's confirmation of the write.
 * So, per partition, the writes this node has in flight and the highest offset confirmed so far are kept: an id
 * above that offset while writes are in flight may still turn out to be this node's, and its receipt waits
 * ({@link #mayStillBeOurs}).
 * <p>
 * Direct-mapped by (offset, partition): it holds about the last {@code capacity / partitions} ids acked per
 * partition by the cluster (not only by this node); a message older than that when its state changes (a long
 * deferral) reaches tenant-scoped subscribers only.
 */
final class AckedIds
{
    static final class Entry
    {
        final long id;
        final SessionProxy session;
        /** Set on the session's event loop once the ACK is written. */
        volatile boolean acked;

        Entry(final long id, final SessionProxy session)
        {
            this.id = id;
            this.session = session;
        }
    }

    private final AtomicReferenceArray<Entry> entries;
    private final AtomicIntegerArray inFlight;
    private final AtomicLongArray confirmed;
    private final int partitions;
    private final int mask;

    /** @param capacity a power of two. */
    AckedIds(final int capacity, final int partitions)
    {
        entries = new AtomicReferenceArray<>(capacity);
        inFlight = new AtomicIntegerArray(partitions);
        confirmed = new AtomicLongArray(partitions);
        for (int p = 0; p < partitions; p++)
        {
            confirmed.set(p, -1);
        }
        this.partitions = partitions;
        mask = capacity - 1;
    }

    private int slot(final long id)
    {
        return (int)(ClusterMessageIds.offset(id) * partitions + ClusterMessageIds.partition(id)) & mask;
    }

    /** Before a write to {@code partition}: until it is confirmed or failed, ids there may be this node's. */
    void writing(final int partition)
    {
        inFlight.incrementAndGet(partition);
    }

    /** A write to {@code partition} failed: nothing to record. */
    void failed(final int partition)
    {
        inFlight.decrementAndGet(partition);
    }

    /**
     * Kafka confirmed the write of {@code id} for {@code session} (its ACK is not written yet). The entry is visible
     * before the partition's confirmed offset and in-flight count move, which {@link #mayStillBeOurs} relies on.
     */
    Entry put(final long id, final SessionProxy session)
    {
        final Entry e = new Entry(id, session);
        entries.set(slot(id), e);
        final int partition = ClusterMessageIds.partition(id);
        confirmed.accumulateAndGet(partition, ClusterMessageIds.offset(id), Math::max);
        inFlight.decrementAndGet(partition);
        return e;
    }

    /**
     * @return true when {@code id} has no entry yet but may get one: this node has writes to its partition in flight
     *         and has not had an offset that high confirmed. Ask before {@link #get}: once this is false, an id of this
     *         node's is already recorded.
     */
    boolean mayStillBeOurs(final long id)
    {
        final int partition = ClusterMessageIds.partition(id);
        return partition < inFlight.length() && inFlight.get(partition) > 0 &&
            ClusterMessageIds.offset(id) > confirmed.get(partition);
    }

    /** @return the entry of {@code id} if this node wrote it for a session, or null. */
    Entry get(final long id)
    {
        final Entry e = entries.get(slot(id));
        return e != null && e.id == id ? e : null;
    }
}
