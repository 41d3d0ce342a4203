package io.dispatch.journal;

import io.dispatch.config.JournalRetention;
import io.dispatch.config.TenantRegistry;
import io.dispatch.policy.DedupIndex;
import io.dispatch.status.StatusTable;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Takes the journal's snapshots and applies its retention, on a thread of its own (docs/design/snapshots-and-retention.md).
 * <p>
 * A snapshot is not a copy of the stages' live state: each run folds the newest snapshot and the journal written since
 * into holders of its own ({@link Recovery} over a private dedup index, status table and {@link SnapshotEffects}), the
 * same fold a start does, and writes the result. So it never reads state another thread is mutating, needs no ring
 * barrier, and covers exactly the journal prefix it read (the journal is the single source of truth; the snapshot is
 * a cache of its fold). Then retention deletes the cycles no kept snapshot needs any more.
 */
public final class Snapshotter implements Runnable, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
    private static final long DAY_MS = 86_400_000L;

    private final Journal journal;
    private final SnapshotStore store;
    private final TenantRegistry tenants;
    private final EpochClock clock;
    private final long dedupHorizonMs;
    private final long contentWindowMs;
    private final long sendWindowMs;
    private final long inboundWindowMs;
    private final int statusCapacity;
    private final int deadLettersPerChannel;
    private final JournalRetention retention;
    private final Object lock = new Object();
    private volatile boolean stopped;
    private Thread thread;
    /** The fold's status table, made at the first snapshot and cleared for each next one ({@link #snapshotNow}). */
    private StatusTable foldStatus;

    public Snapshotter(
        final Journal journal, final SnapshotStore store, final TenantRegistry tenants, final EpochClock clock,
        final long dedupHorizonMs, final long contentWindowMs, final long sendWindowMs, final long inboundWindowMs,
        final int statusCapacity, final int deadLettersPerChannel, final JournalRetention retention)
    {
        this.inboundWindowMs = inboundWindowMs;
        this.journal = journal;
        this.store = store;
        this.tenants = tenants;
        this.clock = clock;
        this.dedupHorizonMs = dedupHorizonMs;
        this.contentWindowMs = contentWindowMs;
        this.sendWindowMs = sendWindowMs;
        this.statusCapacity = statusCapacity;
        this.deadLettersPerChannel = deadLettersPerChannel;
        this.retention = retention;
    }

    /** Starts the thread: a first snapshot at once (it covers what this start replayed), then one per interval. */
    public void start()
    {
        thread = new Thread(this, "journal-snapshot");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run()
    {
        while (!stopped)
        {
            try
            {
                snapshotNow();
                retainNow();
            }
            catch (final IOException | RuntimeException ex)
            {
                // the journal still holds everything: the next run tries again, a restart just scans a longer tail
                LOG.warn("event=snapshot_failed error={}", ex.toString());
            }
            synchronized (lock)
            {
                final long until = System.currentTimeMillis() + retention.snapshotIntervalMs();
                for (long left = retention.snapshotIntervalMs(); !stopped && left > 0; left = until - System.currentTimeMillis())
                {
                    try
                    {
                        lock.wait(left);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Folds the newest snapshot and the journal since into a new snapshot. Any thread, one at a time.
     *
     * @return the new snapshot, or null when the journal has nothing new (or the run was stopped).
     */
    public synchronized SnapshotStore.Snapshot snapshotNow() throws IOException
    {
        final long start = System.nanoTime();
        final long nowMs = clock.time();
        final SnapshotEffects effects = new SnapshotEffects(sendWindowMs, contentWindowMs, inboundWindowMs,
            deadLettersPerChannel);
        if (foldStatus == null)
        {
            foldStatus = new StatusTable(statusCapacity);
        }
        else
        {
            foldStatus.clear();
        }
        final Recovery fold = new Recovery(new DedupIndex(dedupHorizonMs), foldStatus, tenants,
            nowMs, dedupHorizonMs, contentWindowMs, effects);
        final List<SnapshotStore.Snapshot> existing = store.list();
        final long covered = fold.fold(journal, store, effects, () -> stopped);
        // nothing new since the newest snapshot (unless that one is damaged: then it is written again)
        if (covered < 0 || !existing.isEmpty() && existing.get(0).coveredIndex() == covered
            && SnapshotStore.verify(existing.get(0)))
        {
            return null;
        }
        final long lowestOpen = fold.lowestOpenId();
        final SnapshotStore.Snapshot s = store.write(covered, lowestOpen, nowMs, out -> fold.writeSnapshot(out, effects));
        LOG.info("event=snapshot_written file={} covered_index={} lowest_open_id={} bytes={} took_ms={}", s.file(),
            covered, lowestOpen == Long.MAX_VALUE ? "none" : lowestOpen, java.nio.file.Files.size(s.file()),
            (System.nanoTime() - start) / 1_000_000);
        return s;
    }

    /**
     * Deletes the journal cycles that ended more than {@code journal.retentionDays} (and the dedup horizon) ago and lie
     * wholly below what every kept snapshot still needs: its covered index and its lowest open message. Oldest first,
     * so a crash in the middle leaves a journal that starts later, never one with a hole.
     *
     * @return the number of cycle files deleted.
     */
    public synchronized int retainNow() throws IOException
    {
        if (retention.retentionDays() <= 0)
        {
            return 0;
        }
        long bound = Long.MAX_VALUE;
        final List<SnapshotStore.Snapshot> kept = store.list();
        for (final SnapshotStore.Snapshot s : kept)
        {
            if (!SnapshotStore.verify(s))
            {
                return 0; // a snapshot a restart may fall back from: keep everything until a good pair is on disk
            }
            bound = Math.min(bound, Math.min(s.coveredIndex(), s.lowestOpenId()));
        }
        if (kept.isEmpty())
        {
            return 0;
        }
        final long keepMs = Math.max(retention.retentionDays() * DAY_MS, dedupHorizonMs);
        final long before = journal.diskBytes();
        final long below = bound;
        final ConsentArchive consents = journal.consentArchive();
        // the write lock spans copy and deletions: a consent export never sees a record in neither place
        final int deleted = consents.exclusive(() -> journal.deleteCyclesBefore(below, clock.time() - keepMs, keptFrom ->
        {
            store.markRetained();
            // consent evidence outlives the messages: copied and forced before the first cycle file goes
            consents.copyBefore(journal, keptFrom);
        }));
        if (deleted > 0)
        {
            LOG.info("event=journal_retention cycles_deleted={} bytes_before={} bytes_after={} bound_index={}", deleted,
                before, journal.diskBytes(), bound);
        }
        return deleted;
    }

    @Override
    public void close()
    {
        stopped = true;
        synchronized (lock)
        {
            lock.notifyAll();
        }
        if (thread != null)
        {
            try
            {
                thread.join(30_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
