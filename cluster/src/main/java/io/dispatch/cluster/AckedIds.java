package io.dispatch.cluster;

import io.dispatch.ingest.IngestSession;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sessions this node ACKed cluster ids to, for their connection-scoped receipts: the owner that sends a message
 * does not know the connection, the node that acked it does. An id is recorded when Kafka confirms the write (on the
 * producer's thread, before the owner can normally have sent it) and marked acked on the session's event loop once
 * the ACK is written; the {@link StatusFollower} holds a receipt back until then, so a receipt never precedes its
 * ACK.
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
        final IngestSession session;
        /** Set on the session's event loop once the ACK is written. */
        volatile boolean acked;

        Entry(final long id, final IngestSession session)
        {
            this.id = id;
            this.session = session;
        }
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

    /** Kafka confirmed the write of {@code id} for {@code session} (its ACK is not written yet). */
    Entry put(final long id, final IngestSession session)
    {
        final Entry e = new Entry(id, session);
        entries.set(slot(id), e);
        return e;
    }

    /** @return the entry of {@code id} if this node wrote it for a session, or null. */
    Entry get(final long id)
    {
        final Entry e = entries.get(slot(id));
        return e != null && e.id == id ? e : null;
    }
}
