package io.dispatch.cluster;

import io.dispatch.ingest.IngestSession;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sessions this node ACKed cluster ids to, for their connection-scoped receipts: the owner that sends a message
 * does not know the connection, the node that acked it does. Written on the sessions' event loops when the ACK is
 * written (so a receipt is never queued before its ACK), read by the {@link StatusFollower}.
 * <p>
 * Direct-mapped by (offset, partition): it holds about the last {@code capacity / partitions} ids acked per
 * partition by the cluster (not only by this node); a message older than that when its state changes (a long
 * deferral) reaches tenant-scoped subscribers only.
 */
final class AckedIds
{
    private record Entry(long id, IngestSession session)
    {
    }

    private final AtomicReferenceArray<Entry> entries;
    private final int partitions;
    private final int mask;

    /** @param capacity a power of two. */
    AckedIds(final int capacity, final int partitions)
    {
        entries = new AtomicReferenceArray<>(capacity);
        this.partitions = partitions;
        mask = capacity - 1;
    }

    private int slot(final long id)
    {
        return (int)(ClusterMessageIds.offset(id) * partitions + ClusterMessageIds.partition(id)) & mask;
    }

    /** Event loop of {@code session}, just before its ACK is written. */
    void put(final long id, final IngestSession session)
    {
        entries.set(slot(id), new Entry(id, session));
    }

    /** @return the session that was acked {@code id} here, or null. */
    IngestSession session(final long id)
    {
        final Entry e = entries.get(slot(id));
        return e != null && e.id() == id ? e.session() : null;
    }
}
