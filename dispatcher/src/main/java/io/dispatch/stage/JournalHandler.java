package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ingest.TenantRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.policy.DedupIndex;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;

/**
 * Appends every accepted SUBMIT and every STATE change to the journal; the index of a SUBMIT's record
 * becomes its message id. With fsync {@code batch} the pages are forced once per ring batch, before any
 * stage downstream (the acks) sees the batch. Owns the only journal appender.
 */
public final class JournalHandler implements EventHandler<DispatchEvent>
{
    private final Journal journal;
    private final boolean syncEachBatch;
    private final DedupIndex dedup;
    private final TenantRegistry tenants;
    private final Counters counters;
    private final DistinctErrorLog errors;
    private final int defaultTtlSeconds;
    private JournalWriter writer;

    public JournalHandler(
        final Journal journal,
        final boolean syncEachBatch,
        final DedupIndex dedup,
        final TenantRegistry tenants,
        final Counters counters,
        final DistinctErrorLog errors,
        final int defaultTtlSeconds)
    {
        this.journal = journal;
        this.syncEachBatch = syncEachBatch;
        this.dedup = dedup;
        this.tenants = tenants;
        this.counters = counters;
        this.errors = errors;
        this.defaultTtlSeconds = defaultTtlSeconds;
    }

    @Override
    public void onStart()
    {
        writer = journal.newWriter(syncEachBatch);
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (e.type == DispatchEvent.SUBMIT && e.outcome == DispatchEvent.OUTCOME_ACCEPTED)
            {
                final int ttl = ttlOf(e);
                e.messageId = writer.appendAccepted(
                    e.kind, e.channel, tenants.nameBytes(e.tenantId), ttl, e.acceptedAtMs, e.keyHash, e.body, e.bodyLength);
                if (e.keyHash != 0)
                {
                    dedup.record(e.keyHash, e.messageId, e.acceptedAtMs);
                }
                counters.increment(Counter.JOURNAL_RECORDS);
            }
            else if (e.type == DispatchEvent.STATE)
            {
                writer.appendStates(e.body, e.stateCount);
                counters.increment(Counter.JOURNAL_RECORDS);
            }
            if (endOfBatch)
            {
                writer.endOfBatch();
            }
        }
        catch (final RuntimeException ex)
        {
            counters.increment(Counter.JOURNAL_FAILURES);
            errors.record("journal_append_failed", ex);
            if (e.type == DispatchEvent.SUBMIT)
            {
                e.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
            }
        }
    }

    private int ttlOf(final DispatchEvent e)
    {
        final byte[] b = e.body;
        final int ttl = (b[4] & 0xFF) | (b[5] & 0xFF) << 8 | (b[6] & 0xFF) << 16 | (b[7] & 0xFF) << 24;
        return ttl == 0 ? defaultTtlSeconds : ttl;
    }

    @Override
    public void onShutdown()
    {
        if (writer != null)
        {
            writer.close();
        }
    }
}
