package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ingest.TenantRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
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
    private final DedupIndex contentDedup;
    private final PolicyHandler policy;
    private final byte[] oneState = new byte[StateRecords.LENGTH];
    private JournalWriter writer;

    public JournalHandler(
        final Journal journal,
        final boolean syncEachBatch,
        final DedupIndex dedup,
        final TenantRegistry tenants,
        final Counters counters,
        final DistinctErrorLog errors,
        final int defaultTtlSeconds,
        final DedupIndex contentDedup,
        final PolicyHandler policy)
    {
        this.contentDedup = contentDedup;
        this.policy = policy;
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
            switch (e.type)
            {
                case DispatchEvent.SUBMIT:
                    if (e.outcome == DispatchEvent.OUTCOME_ACCEPTED)
                    {
                        appendSubmit(e);
                    }
                    break;
                case DispatchEvent.STATE:
                    writer.appendStates(e.body, e.stateCount);
                    counters.increment(Counter.JOURNAL_RECORDS);
                    break;
                case DispatchEvent.RELEASE:
                case DispatchEvent.CANCEL:
                    if (e.newState != 0)
                    {
                        final long at = e.newState == DeliveryState.DEFERRED.code() ? e.dueAtMs : e.acceptedAtMs;
                        StateRecords.put(oneState, 0, e.messageId, at, e.newState, (byte)0, e.channel, e.reason);
                        writer.appendStates(oneState, 1);
                        counters.increment(Counter.JOURNAL_RECORDS);
                    }
                    break;
                case DispatchEvent.CONSENT:
                    writer.appendConsent(e.acceptedAtMs, tenants.nameBytes(e.tenantId), e.body, e.bodyLength);
                    counters.increment(Counter.JOURNAL_RECORDS);
                    break;
                case DispatchEvent.POLICY_UPDATE:
                    writer.appendRate(e.acceptedAtMs, tenants.nameBytes(e.tenantId), e.channel, e.ratePerSecond,
                        e.rateBurst, e.reservedPercent);
                    counters.increment(Counter.JOURNAL_RECORDS);
                    break;
                default:
                    break;
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
            if (e.type == DispatchEvent.SUBMIT || e.type == DispatchEvent.CONSENT)
            {
                e.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
            }
        }
    }

    private void appendSubmit(final DispatchEvent e)
    {
        final int ttl = ttlOf(e);
        e.deadlineMs = e.acceptedAtMs + ttl * 1000L;
        e.messageId = writer.appendAccepted(e.kind, e.channel, tenants.nameBytes(e.tenantId), ttl, e.acceptedAtMs,
            e.keyHash, e.decision, e.prepaid, e.reason, e.dueAtMs, e.campaignId, e.consentOverride, e.body, e.bodyLength);
        // a campaign's keys are found again only after a restart, when recovery reads them from the journal
        if (e.keyHash != 0 && e.campaignSlot == 0)
        {
            dedup.record(e.keyHash, e.messageId, e.acceptedAtMs);
        }
        if (e.contentHash != 0)
        {
            contentDedup.record(e.contentHash, e.messageId, e.acceptedAtMs);
        }
        if (e.decision == Decision.DEFER.code())
        {
            policy.deferredAfterJournal(e.messageId, e.tenantId);
        }
        counters.increment(Counter.JOURNAL_RECORDS);
    }

    /** Seconds from acceptance to the deadline: the message's TTL counts from its send-at when it has one. */
    private int ttlOf(final DispatchEvent e)
    {
        final byte[] b = e.body;
        final int ttl = (b[4] & 0xFF) | (b[5] & 0xFF) << 8 | (b[6] & 0xFF) << 16 | (b[7] & 0xFF) << 24;
        final long delayMs = e.sendAtMs > e.acceptedAtMs ? e.sendAtMs - e.acceptedAtMs : 0;
        return (int)Math.min(Integer.MAX_VALUE, (ttl == 0 ? defaultTtlSeconds : ttl) + (delayMs + 999) / 1000);
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
