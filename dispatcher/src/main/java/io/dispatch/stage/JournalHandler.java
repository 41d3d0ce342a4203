package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.config.TenantRegistry;
import io.dispatch.inbound.InboundBody;
import io.dispatch.inbound.InboundDedup;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReplayer;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.StateRecords;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends every accepted SUBMIT, every STATE change and every inbound event to the journal; the index of a SUBMIT's record
 * becomes its message id. With fsync {@code batch} the pages are forced once per ring batch, before any
 * stage downstream (the acks) sees the batch. Owns the only journal appender. When the disk has no room the
 * writer refuses the record before writing anything: a SUBMIT or CONSENT is then NACKed STORAGE_FULL, a state
 * change is dropped (its message is dispatched again after a restart), and the ring goes on.
 */
public final class JournalHandler implements EventHandler<DispatchEvent>, JournalReplayer.InboundState
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalHandler.class);
    private static final byte[] NO_TENANT = new byte[0];
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
    private final byte[] inboundConsent = new byte[InboundBody.MAX_CONSENT_BODY];
    private final InboundDedup inboundDedup;
    /** A view of the slot's SUBMIT body, for its fixed fields at their SubmitDescriptor offsets. */
    private final UnsafeBuffer bodyView = new UnsafeBuffer(new byte[0]);
    private JournalWriter writer;
    private boolean noSpace;

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
        this(journal, syncEachBatch, dedup, tenants, counters, errors, defaultTtlSeconds, contentDedup, policy,
            new InboundDedup());
    }

    /** @param inboundDedup the platform event ids journaled recently (recovery fills it before the ring starts). */
    public JournalHandler(
        final Journal journal,
        final boolean syncEachBatch,
        final DedupIndex dedup,
        final TenantRegistry tenants,
        final Counters counters,
        final DistinctErrorLog errors,
        final int defaultTtlSeconds,
        final DedupIndex contentDedup,
        final PolicyHandler policy,
        final InboundDedup inboundDedup)
    {
        this.inboundDedup = inboundDedup;
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
        e.journalIndex = 0;
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
                    e.journalIndex = counted(writer.appendStates(e.body, e.stateCount)) ? writer.lastIndex() : 0;
                    break;
                case DispatchEvent.FALLBACK:
                    if (e.newState != 0 && e.readdressed)
                    {
                        appendFallbackAddress(e);
                        break;
                    }
                    // fall through: a fallback at the message's own address is a state change like the others
                case DispatchEvent.RELEASE:
                case DispatchEvent.CANCEL:
                    if (e.newState != 0)
                    {
                        final long at = e.newState == DeliveryState.DEFERRED.code() ? e.dueAtMs : e.acceptedAtMs;
                        StateRecords.put(oneState, 0, e.messageId, at, e.newState, (byte)0, e.channel, e.reason);
                        final boolean appended = counted(writer.appendStates(oneState, 1));
                        e.journalIndex = appended ? writer.lastIndex() : 0;
                        if (!appended && e.type == DispatchEvent.FALLBACK)
                        {
                            // an unjournaled move must not reach the new lane: after a restart the old channel owes it
                            e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
                        }
                        else if (e.newState != DeliveryState.DEFERRED.code() && journal.fallbackAddresses().size() > 0)
                        {
                            // a deferred re-addressed fallback that ended without reaching its lane
                            journal.fallbackAddresses().remove(e.messageId);
                        }
                    }
                    break;
                case DispatchEvent.LATE_RECEIPT:
                    counted(writer.appendLateReceipt(e.messageId, e.acceptedAtMs, e.channel, e.newState, e.reason));
                    break;
                case DispatchEvent.CONSENT:
                    if (!counted(writer.appendConsent(e.acceptedAtMs, tenants.nameBytes(e.tenantId), e.body, e.bodyLength)))
                    {
                        e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
                    }
                    break;
                case DispatchEvent.INBOUND:
                    appendInbound(e);
                    break;
                case DispatchEvent.POLICY_UPDATE:
                    if (e.capRules != null)
                    {
                        // as a rate change below; an operator's rare change, so it may allocate
                        counted(writer.appendCaps(e.acceptedAtMs, tenants.nameBytes(e.tenantId), e.kind, e.channel,
                            e.capRules.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                        break;
                    }
                    // refused when the disk filled after the admin route checked it: the change is in force but not
                    // journaled, so a restart forgets it
                    // tenant 0: a lane's rate, journaled with no tenant name
                    counted(writer.appendRate(e.acceptedAtMs, e.tenantId == 0 ? NO_TENANT : tenants.nameBytes(e.tenantId),
                        e.channel, e.ratePerSecond,
                        e.rateBurst, e.reservedPercent));
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
            failed(e, "journal_append_failed", ex);
        }
        catch (final InternalError ex)
        {
            // a fault in the mapped file (SIGBUS: a hole the file system could not fill, despite the reservation):
            // the appender's view of the file can no longer be trusted, so this event is NACKed and a fresh appender
            // re-reads the queue's end before the next record
            failed(e, "journal_fault", ex);
            reopenWriter();
        }
    }

    /**
     * A fallback the policy stage re-addressed (a directory recipient's phone instead of their chat key): the address
     * record, then the move's state. The lane of the new channel sends to the address only once both are journaled,
     * so after a kill -9 recovery finds the address with the move; a full disk keeps the message where it was.
     */
    private void appendFallbackAddress(final DispatchEvent e)
    {
        final long at = e.newState == DeliveryState.DEFERRED.code() ? e.dueAtMs : e.acceptedAtMs;
        StateRecords.put(oneState, 0, e.messageId, at, e.newState, (byte)0, e.channel, e.reason);
        if (!counted(writer.appendAddress(e.messageId, e.acceptedAtMs, e.channel, e.fallbackAddress))
            || !counted(writer.appendStates(oneState, 1)))
        {
            e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
            return;
        }
        if (e.newState != DeliveryState.SUPPRESSED.code())
        {
            journal.fallbackAddresses().put(e.messageId,
                Arrays.copyOf(e.fallbackAddress, 1 + (e.fallbackAddress[0] & 0xFF)));
        }
    }

    private void failed(final DispatchEvent e, final String key, final Throwable ex)
    {
        counters.increment(Counter.JOURNAL_FAILURES);
        errors.record(key, ex);
        if (e.type == DispatchEvent.SUBMIT || e.type == DispatchEvent.CONSENT || e.type == DispatchEvent.INBOUND)
        {
            e.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
        }
    }

    private void reopenWriter()
    {
        try
        {
            writer.close();
        }
        catch (final RuntimeException | InternalError ex)
        {
            errors.record("journal_close_failed", ex);
        }
        try
        {
            writer = journal.newWriter(syncEachBatch);
        }
        catch (final RuntimeException ex)
        {
            errors.record("journal_reopen_failed", ex);
        }
    }

    /** A state change the disk had no room for is lost, not the message: recovery dispatches it again. */
    private boolean counted(final boolean appended)
    {
        if (appended)
        {
            counters.increment(Counter.JOURNAL_RECORDS);
        }
        else
        {
            counters.increment(Counter.JOURNAL_NO_SPACE);
            if (!noSpace)
            {
                // once per episode, not per record: the watcher's storage_full line says what to do
                noSpace = true;
                LOG.warn("event=journal_no_space errno={} effect=\"appends refused, submits NACKed STORAGE_FULL\"" +
                    " fix=\"free space on the journal's file system (journal.minFreeBytes)\"", writer.lastSpaceErrno());
            }
        }
        return appended;
    }

    private void appendSubmit(final DispatchEvent e)
    {
        final int ttl = ttlOf(e);
        e.deadlineMs = e.acceptedAtMs + ttl * 1000L;
        // a session-less SUBMIT's correlation id is the id it was accepted under elsewhere (cluster mode), as the
        // status stage reads it: journaled with the message, so a restart maps its later changes to that id again
        final long sourceId = e.session == null && e.campaignId == 0 ? e.correlationId : 0;
        final long id = writer.appendAccepted(e.kind, e.channel, tenants.nameBytes(e.tenantId), ttl, e.acceptedAtMs,
            e.keyHash, e.decision, e.prepaid, e.reason, e.dueAtMs, e.campaignId, e.consentOverride, sourceId, e.body,
            e.bodyLength);
        if (id == JournalWriter.NO_SPACE)
        {
            counted(false);
            e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
            return;
        }
        if (id == JournalWriter.INDEX_REUSED)
        {
            counters.increment(Counter.JOURNAL_FAILURES);
            errors.record("journal_index_reused", "the journal returned an index already handed out; not acked");
            e.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
            return;
        }
        e.messageId = id;
        counted(true);
        if (noSpace)
        {
            // state changes may still fit in the headroom while the disk is full: only a new message says it is over
            noSpace = false;
            LOG.info("event=journal_space_back effect=\"submits accepted again\"");
        }
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
    }

    /**
     * Journals an inbound event, unless the platform delivered the same event (by its id) before. One that changes
     * consent is followed by the CONSENT record it stands for, the ledger's evidence that recovery applies like a
     * client's; only when both are written is the event answered journaled and its id remembered, so a redelivery
     * of one refused half-way is journaled again rather than taken for done. Then the policy stage sees it.
     */
    private void appendInbound(final DispatchEvent e)
    {
        if (e.keyHash != 0 && inboundDedup.contains(e.keyHash, e.acceptedAtMs))
        {
            e.outcome = DispatchEvent.OUTCOME_DUPLICATE;
            return;
        }
        final byte[] tenant = tenants.nameBytes(e.tenantId);
        final long index = writer.appendInbound(e.acceptedAtMs, tenant, e.body, e.bodyLength);
        if (index == JournalWriter.NO_SPACE)
        {
            counted(false);
            e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
            return;
        }
        counted(true);
        e.messageId = index;
        final int consentLength = InboundBody.consentBody(e.body, inboundConsent);
        if (consentLength > 0 && !counted(writer.appendConsent(e.acceptedAtMs, tenant, inboundConsent, consentLength)))
        {
            e.outcome = DispatchEvent.OUTCOME_STORAGE_FULL;
            return;
        }
        if (e.keyHash != 0)
        {
            inboundDedup.record(e.keyHash, e.acceptedAtMs);
        }
        try
        {
            policy.inboundAfterJournal(e, inboundConsent, consentLength);
        }
        catch (final RuntimeException ex)
        {
            // journaled, so answered true: a failing observer is a bug to log, not a reason for the platform to resend
            errors.record("inbound_observer_failed", ex);
        }
    }

    /**
     * A journaled inbound event, at a start: its platform id is remembered and the policy stage observes it, as
     * {@link #appendInbound} did live (its consent change comes back as the CONSENT record after it). Keys older than
     * {@link InboundDedup#WINDOW_MS} leave on the first lookup; replayed oldest first, they are evicted first.
     */
    @Override
    public void inbound(final long index, final int tenantId, final long atMs, final byte[] body, final int bodyLength)
    {
        final long key = InboundBody.eventKey(tenantId, body);
        if (key != 0)
        {
            inboundDedup.record(key, atMs);
        }
        policy.inboundObserved(tenantId, body, atMs);
    }

    /** Seconds from acceptance to the deadline: the message's TTL counts from its send-at when it has one. */
    private int ttlOf(final DispatchEvent e)
    {
        if (bodyView.byteArray() != e.body)
        {
            bodyView.wrap(e.body); // only when the slot's body array was replaced by a larger one
        }
        final int ttl = bodyView.getInt(SubmitDescriptor.TTL_OFFSET, ByteOrder.LITTLE_ENDIAN);
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
