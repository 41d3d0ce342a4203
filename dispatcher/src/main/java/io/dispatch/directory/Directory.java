package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * All tenants' recipient directories, fed by the journal's directory operations and persisted as snapshots
 * that record the journal index they cover (replay resumes after it).
 * <p>
 * <b>Note:</b> not thread-safe: one writer, the engine's directory thread, which also reads.
 */
public final class Directory
{
    private static final TenantDirectory EMPTY = new TenantDirectory();

    final Int2ObjectHashMap<TenantDirectory> tenants = new Int2ObjectHashMap<>();
    private final OpApplier applier = new OpApplier();
    private long snapshotJournalIndex = -1;

    public Directory()
    {
    }

    /**
     * Applies one op that passed {@link DirectoryOp#validate()}.
     * @param atMs the journal time, used where the op's own time is 0.
     * @return null when applied; otherwise the problem, naming the field, and nothing of the op was applied.
     */
    public String apply(final int tenantId, final DirectoryOp op, final long atMs)
    {
        TenantDirectory t = tenants.get(tenantId);
        if (t == null)
        {
            t = new TenantDirectory();
            tenants.put(tenantId, t);
        }
        return applier.apply(t, op, atMs);
    }

    /** @return the ids of the tenants that have a directory (allocates: for start-up, not per op). */
    public int[] tenantIds()
    {
        final int[] ids = new int[tenants.size()];
        int i = 0;
        for (final Int2ObjectHashMap<TenantDirectory>.KeyIterator it = tenants.keySet().iterator(); it.hasNext(); )
        {
            ids[i++] = it.nextInt();
        }
        return ids;
    }

    /** @return the tenant's directory; an empty one (shared, do not keep) for a tenant without any op. */
    public TenantDirectory tenant(final int tenantId)
    {
        final TenantDirectory t = tenants.get(tenantId);
        return t == null ? EMPTY : t;
    }

    /** Atomic snapshot (temp file, fsync, rename) of every tenant, recording the journal index it covers. */
    public void writeSnapshot(final Path file, final long journalIndex) throws IOException
    {
        DirectorySnapshot.write(this, file, journalIndex);
    }

    public static Directory readSnapshot(final Path file) throws IOException
    {
        return DirectorySnapshot.read(file);
    }

    /** The journal index the snapshot this directory was read from covers; -1 when not read from one. */
    public long snapshotJournalIndex()
    {
        return snapshotJournalIndex;
    }

    void snapshotJournalIndex(final long index)
    {
        snapshotJournalIndex = index;
    }
}
