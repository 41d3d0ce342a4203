package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.journal.JournalCursor;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.AnswerSinks;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.EndToEndLatency;
import io.dispatch.status.StatusTable;

import java.nio.charset.StandardCharsets;

/**
 * Owns the {@link StatusTable}: records accepted messages and their state changes (after they are
 * journaled), routes each change as a RECEIPT to the subscribed sessions, and answers STATUS queries.
 * <p>
 * A receipt decided by a SUBMIT or a CANCEL (DEFERRED, SUPPRESSED, CANCELLED) may be for a message whose ACK the
 * ack stage holds until the end of the ring batch (after the fsync). Those receipts are held here too and routed
 * at the end of the batch, after the ack stage has queued its answers, so a session's ACK is always queued before
 * any receipt of its message (docs/design/answer-order.md). Every other state change comes from a lane or the
 * scheduler, which only learn of a message after its batch has ended, and is routed at once.
 */
public final class StatusHandler implements EventHandler<DispatchEvent>
{
    private static final Counter[] COUNTER_BY_STATE = new Counter[16];

    static
    {
        COUNTER_BY_STATE[DeliveryState.DISPATCHED.code()] = Counter.DISPATCHED;
        COUNTER_BY_STATE[DeliveryState.PROVIDER_ACCEPTED.code()] = Counter.PROVIDER_ACCEPTED;
        COUNTER_BY_STATE[DeliveryState.RETRYING.code()] = Counter.RETRIES;
        COUNTER_BY_STATE[DeliveryState.DELIVERED.code()] = Counter.DELIVERED;
        COUNTER_BY_STATE[DeliveryState.FAILED.code()] = Counter.FAILED;
        COUNTER_BY_STATE[DeliveryState.EXPIRED.code()] = Counter.EXPIRED;
        COUNTER_BY_STATE[DeliveryState.REJECTED.code()] = Counter.REJECTED;
    }

    private static final byte[] NOT_FOUND = "no such message for this tenant".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVICTED = "older than the status table (status.capacity)".getBytes(StandardCharsets.UTF_8);

    private final StatusTable table;
    private final AnswerSinks sessions;
    private final SessionFlusher flusher;
    private final Counters counters;
    private final CampaignStats campaigns;
    private final EndToEndLatency e2e;
    // receipts held until the end of the batch: at most one per event
    private final long[] heldIds;
    private final byte[] heldStates;
    private final byte[] heldAttempts;
    private final short[] heldReasons;
    private final long[] heldAts;
    private final byte[] heldChannels;
    private final int[] heldTenants;
    private final int[] heldSessionRefs;
    private final long[] heldPositions;
    private int held;
    /** Cluster mode: where accepted messages and state changes go instead of the local subscribers; null on one node. */
    private final StateTap tap;

    /**
     * @param maxBatch the ring size: no batch is larger.
     * @param tap      cluster mode's (ClusterHooks.tap); null on a single node.
     */
    public StatusHandler(
        final StatusTable table, final AnswerSinks sessions, final SessionFlusher flusher, final Counters counters,
        final CampaignStats campaigns, final EndToEndLatency e2e, final int maxBatch, final StateTap tap)
    {
        this.tap = tap;
        this.e2e = e2e;
        this.heldIds = new long[maxBatch];
        this.heldStates = new byte[maxBatch];
        this.heldAttempts = new byte[maxBatch];
        this.heldReasons = new short[maxBatch];
        this.heldAts = new long[maxBatch];
        this.heldChannels = new byte[maxBatch];
        this.heldTenants = new int[maxBatch];
        this.heldSessionRefs = new int[maxBatch];
        this.heldPositions = new long[maxBatch];
        this.table = table;
        this.sessions = sessions;
        this.flusher = flusher;
        this.counters = counters;
        this.campaigns = campaigns;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        switch (e.type)
        {
            case DispatchEvent.SUBMIT:
                if (e.campaignSlot != 0 && (e.outcome == DispatchEvent.OUTCOME_ACCEPTED
                    || e.outcome == DispatchEvent.OUTCOME_DRY_RUN || e.outcome == DispatchEvent.OUTCOME_DUPLICATE))
                {
                    campaigns.countAccepted(e.campaignSlot, e.channel, e.decision, e.reason, e.dryRun);
                }
                if (e.outcome == DispatchEvent.OUTCOME_ACCEPTED)
                {
                    // the table's own method, as the journal's replay calls it at a start
                    final int slot = table.onAccepted(e.messageId, e.acceptedAtMs, e.channel, e.kind, e.tenantId,
                        e.sessionRef, e.campaignSlot, e.decision, e.reason, e.dueAtMs);
                    if (tap != null)
                    {
                        tap.accepted(e.messageId, e.session == null ? e.correlationId : 0, e.tenantId, e.channel, e.kind,
                            e.acceptedAtMs);
                    }
                    if (e.decision == Decision.DEFER.code() || e.decision == Decision.SUPPRESS.code())
                    {
                        // decided at acceptance: the ACCEPTED record is the change's journal record
                        changed(slot, e.messageId, table.state(slot), e.reason, table.updatedAt(slot), true,
                            JournalCursor.position(e.messageId, 0));
                    }
                }
                break;
            case DispatchEvent.RELEASE:
            case DispatchEvent.CANCEL:
                if (tap != null && e.type == DispatchEvent.CANCEL && e.session == null && e.correlationId != 0)
                {
                    tap.cancelled(e.correlationId, e.messageId, e.outcome);
                }
                if (e.newState != 0)
                {
                    // a CANCEL by key may name a message accepted earlier in this batch, not acked yet
                    onState(e.messageId, e.newState, (byte)0, e.reason,
                        e.newState == DeliveryState.DEFERRED.code() ? e.dueAtMs : e.acceptedAtMs, (byte)0,
                        e.type == DispatchEvent.CANCEL, positionOf(e, 0));
                }
                break;
            case DispatchEvent.FALLBACK:
                // reported on the new channel from the decision on, whatever it was
                onState(e.messageId, e.newState, (byte)0, e.reason,
                    e.newState == DeliveryState.DEFERRED.code() ? e.dueAtMs : e.acceptedAtMs, e.channel, false,
                    positionOf(e, 0));
                break;
            case DispatchEvent.STATE:
                onStates(e);
                break;
            case DispatchEvent.STATUS_QUERY:
                onQuery(e);
                break;
            default:
                break;
        }
        if (endOfBatch && held > 0)
        {
            routeHeld();
        }
    }

    /** After the ack stage queued this batch's answers (it runs before this stage, on this thread). */
    private void routeHeld()
    {
        for (int i = 0; i < held; i++)
        {
            route(heldIds[i], heldStates[i], heldAttempts[i], heldReasons[i], heldAts[i], heldChannels[i],
                heldTenants[i], heldSessionRefs[i], heldPositions[i]);
        }
        held = 0;
    }

    private void onStates(final DispatchEvent e)
    {
        final byte[] b = e.body;
        for (int i = 0, o = 0; i < e.stateCount; i++, o += StateRecords.LENGTH)
        {
            onState(StateRecords.messageId(b, o), StateRecords.state(b, o), StateRecords.attempts(b, o),
                StateRecords.reason(b, o), StateRecords.atMs(b, o), StateRecords.channel(b, o), false, positionOf(e, i));
        }
    }

    /** The receipt's stream position ({@link JournalCursor}), 0 when its change was not journaled (disk full). */
    private static long positionOf(final DispatchEvent e, final int ordinal)
    {
        return e.journalIndex == 0 ? 0 : JournalCursor.position(e.journalIndex, ordinal);
    }

    /**
     * @param channel the lane's channel (after a fallback, the new one), or 0 to keep the recorded one.
     * @param hold    route the receipt at the end of the batch, after the batch's ACKs.
     * @param position the receipt's stream position, 0 for none.
     */
    private void onState(final long messageId, final byte state, final byte reportedAttempts, final short reason,
        final long atMs, final byte channel, final boolean hold, final long position)
    {
        final Counter counter = COUNTER_BY_STATE[state];
        if (counter != null)
        {
            counters.increment(counter);
        }
        final int slot = table.find(messageId);
        if (slot < 0)
        {
            return;
        }
        e2e.onState(table, slot, state, atMs);
        table.onState(slot, state, reportedAttempts, reason, atMs, channel);
        changed(slot, messageId, state, reason, atMs, hold, position);
    }

    /** Counts a change the table took for its campaign, and routes it as a receipt (now, or held to the batch end). */
    private void changed(final int slot, final long messageId, final byte state, final short reason, final long atMs,
        final boolean hold, final long position)
    {
        // receipts and timeouts do not know the attempt; the table does
        final byte attempts = table.attempts(slot);
        final byte current = table.channel(slot);
        final int campaignSlot = table.campaignSlot(slot);
        if (campaignSlot != 0)
        {
            // by the channel in use: a message delivered by SMS after a chat fallback counts as SMS
            campaigns.countState(campaignSlot, current, state, reason);
        }
        final int tenant = table.tenant(slot);
        if (tap != null && tap.state(messageId, state, attempts, reason, atMs, current, table.kind(slot), tenant))
        {
            return;
        }
        final int sessionRef = table.sessionRef(slot);
        if (hold)
        {
            final int i = held++;
            heldIds[i] = messageId;
            heldStates[i] = state;
            heldAttempts[i] = attempts;
            heldReasons[i] = reason;
            heldAts[i] = atMs;
            heldChannels[i] = current;
            heldTenants[i] = tenant;
            heldSessionRefs[i] = sessionRef;
            heldPositions[i] = position;
            return;
        }
        route(messageId, state, attempts, reason, atMs, current, tenant, sessionRef, position);
    }

    private void route(final long messageId, final byte state, final byte attempts, final short reason,
        final long atMs, final byte current, final int tenant, final int sessionRef, final long position)
    {
        final AnswerSink owner = sessions.resolve(sessionRef);
        // the tenant check guards against a session reference reused after its generation counter wrapped
        if (owner != null && owner.subscriptionScope() == AnswerSink.SCOPE_CONNECTION && owner.tenantId() == tenant)
        {
            offer(owner, messageId, state, attempts, reason, atMs, current, position);
        }
        for (final AnswerSink s : sessions.tenantSubscribers())
        {
            if (s.tenantId() == tenant)
            {
                offer(s, messageId, state, attempts, reason, atMs, current, position);
            }
        }
    }

    private void offer(final AnswerSink session, final long messageId, final byte state, final byte attempts,
        final short reason, final long atMs, final byte channel, final long position)
    {
        if (session.offerReceipt(messageId, state, attempts, reason, atMs, channel, position))
        {
            flusher.touch(session);
        }
    }

    private void onQuery(final DispatchEvent e)
    {
        final AnswerSink session = e.session;
        final int slot = table.find(e.messageId);
        if (slot >= 0 && table.tenant(slot) == e.tenantId)
        {
            session.offerStatusResult(e.correlationId, e.messageId, table.state(slot), table.attempts(slot),
                table.reason(slot), table.updatedAt(slot), table.channel(slot), table.kind(slot));
        }
        else
        {
            final boolean evicted = slot < 0 && table.wasEvicted(e.messageId);
            session.offerNack(e.correlationId, evicted ? ErrorCode.STATUS_EVICTED : ErrorCode.NOT_FOUND,
                evicted ? EVICTED : NOT_FOUND);
        }
        flusher.touch(session);
    }
}
