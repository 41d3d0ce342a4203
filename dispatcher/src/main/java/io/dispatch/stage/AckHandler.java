package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.inbound.InboundAnswers;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.StatusTable;

/**
 * Answers each SUBMIT after the journal stage: ACK (journaled), ACK duplicate (with the original id) or
 * NACK JOURNAL_FAILURE / STORAGE_FULL (nothing journaled). Answers are collected during a ring batch and handed to the sessions at its
 * end, after the journal stage's end-of-batch fsync (with {@code journal.fsync=batch}), so no client can
 * see an ACK for a record that is not yet on disk, even when ack and journal share a thread.
 * <p>
 * A CANCEL of a message that is not deferred is answered "not deferred" only when the caller's tenant owns it
 * (the status table, read here on its own thread: the status stage runs next on this thread); any other id
 * is NOT_FOUND, so a CANCEL cannot tell a foreign message from one that never existed.
 * <p>
 * Each ACK records, per class, the time from the socket read that brought its SUBMIT to the moment the ACK is
 * queued for the session ({@code dispatch_ack_latency_seconds}): one clock read per batch, on this thread only.
 */
public final class AckHandler implements EventHandler<DispatchEvent>
{
    private static final byte[] JOURNAL_FAILED = "journal append failed; resubmit with the same key"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final byte[] NOT_FOUND = "no such message for this tenant"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final byte[] STORAGE_FULL = "journal disk full (journal.minFreeBytes); nothing journaled, retry later"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final byte[] RATE_LIMITED = "marketing over the tenant's rate limit (rate.marketing=reject); retry later"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final SessionFlusher flusher;
    private final Counters counters;
    private final DistinctErrorLog errors;
    private final StatusTable status;
    private final ClassLatency latency;
    /** Clients' marketing SUBMITs' ring share: given back once their ACKs are queued. */
    private final MarketingShare marketing;
    private int marketingHeld;
    private final AnswerSink[] sessions;
    private final long[] correlationIds;
    private final long[] messageIds;
    private final byte[] outcomes;
    private final byte[] types;
    private final byte[] decisions;
    private final short[] reasons;
    private final long[] dueAts;
    private final byte[] channels;
    private final byte[] kinds;
    private final long[] readNanos;
    /** Dry runs: fallback channel | decision << 8 | reason << 16. */
    private final int[] fallbacks;
    /** Per answer, a dry run's re-addressed fallback address (u8 length, bytes); length 0 for none. */
    private final byte[][] fallbackAddresses;
    /** Dry runs: the conversation window's state | its tag << 8, and the user's last message. */
    private final int[] windows;
    private final long[] windowLastMs;
    private int pending;
    private final java.util.concurrent.CompletableFuture<?>[] inboundAnswers;
    private final boolean[] inboundJournaled;
    private int inboundPending;
    /** Completes connectors' inbound offers off this thread; null: they complete on it (tests of the stage alone). */
    private final InboundAnswers inboundAnswerer;

    /**
     * @param status   the status stage's table; read only, on the status stage's thread.
     * @param latency  frame read → ACK, written by this stage only.
     * @param maxBatch the ring size: no batch is larger.
     * @param inboundAnswers completes connectors' inbound offers off this thread; null to complete them on it.
     */
    public AckHandler(final SessionFlusher flusher, final Counters counters, final DistinctErrorLog errors,
        final StatusTable status, final ClassLatency latency, final MarketingShare marketing, final int maxBatch,
        final InboundAnswers inboundAnswers)
    {
        this.inboundAnswerer = inboundAnswers;
        this.status = status;
        this.marketing = marketing;
        this.latency = latency;
        this.flusher = flusher;
        this.counters = counters;
        this.errors = errors;
        this.sessions = new AnswerSink[maxBatch];
        this.correlationIds = new long[maxBatch];
        this.messageIds = new long[maxBatch];
        this.outcomes = new byte[maxBatch];
        this.types = new byte[maxBatch];
        this.decisions = new byte[maxBatch];
        this.reasons = new short[maxBatch];
        this.dueAts = new long[maxBatch];
        this.channels = new byte[maxBatch];
        this.kinds = new byte[maxBatch];
        this.readNanos = new long[maxBatch];
        this.fallbacks = new int[maxBatch];
        this.fallbackAddresses = new byte[maxBatch][256];
        this.windows = new int[maxBatch];
        this.windowLastMs = new long[maxBatch];
        this.inboundAnswers = new java.util.concurrent.CompletableFuture<?>[maxBatch];
        this.inboundJournaled = new boolean[maxBatch];
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.marketingSlot)
        {
            e.marketingSlot = false; // given back below; a later stage that throws must not give it back again
            marketingHeld++;
        }
        // a campaign's messages come from the targeting thread, not a connection: nobody to answer
        if ((e.type == DispatchEvent.SUBMIT || e.type == DispatchEvent.CANCEL || e.type == DispatchEvent.CONSENT)
            && e.session != null)
        {
            final int i = pending++;
            sessions[i] = e.session;
            correlationIds[i] = e.correlationId;
            messageIds[i] = e.messageId;
            outcomes[i] = e.type == DispatchEvent.CANCEL ? cancelOutcome(e) : e.outcome;
            types[i] = (byte)e.type;
            decisions[i] = e.decision;
            reasons[i] = e.reason;
            dueAts[i] = e.dueAtMs;
            channels[i] = e.channel;
            kinds[i] = e.kind;
            readNanos[i] = e.readNanos;
            fallbacks[i] = e.dryRun ? (e.fallbackChannel & 0xFF) | (e.fallbackDecision & 0xFF) << 8 | e.fallbackReason << 16 : 0;
            fallbackAddresses[i][0] = 0;
            if (e.dryRun && e.fallbackChannel != 0 && e.readdressed)
            {
                System.arraycopy(e.fallbackAddress, 0, fallbackAddresses[i], 0, 1 + (e.fallbackAddress[0] & 0xFF));
            }
            windows[i] = e.dryRun ? (e.windowState & 0xFF) | (e.windowTag & 0xFF) << 8 : 0;
            windowLastMs[i] = e.dryRun ? e.windowLastMessageMs : 0;
        }
        else if (e.type == DispatchEvent.INBOUND && e.inboundAnswer != null)
        {
            final int i = inboundPending++;
            inboundAnswers[i] = e.inboundAnswer;
            inboundJournaled[i] = e.outcome == DispatchEvent.OUTCOME_ACCEPTED || e.outcome == DispatchEvent.OUTCOME_DUPLICATE;
        }
        if (endOfBatch || pending == sessions.length || inboundPending == inboundAnswers.length)
        {
            answerPending();
            answerInbound();
            marketing.release(marketingHeld);
            marketingHeld = 0;
        }
    }

    /** After the batch's fsync, like the ACKs: true tells the connector the event is journaled (or was already). */
    @SuppressWarnings("unchecked")
    private void answerInbound()
    {
        for (int i = 0; i < inboundPending; i++)
        {
            final java.util.concurrent.CompletableFuture<Boolean> f =
                (java.util.concurrent.CompletableFuture<Boolean>)inboundAnswers[i];
            inboundAnswers[i] = null;
            if (inboundAnswerer != null)
            {
                inboundAnswerer.answer(f, inboundJournaled[i]);
            }
            else
            {
                f.complete(inboundJournaled[i]);
            }
        }
        inboundPending = 0;
    }

    private void answerPending()
    {
        final long now = pending == 0 ? 0 : System.nanoTime();
        for (int i = 0; i < pending; i++)
        {
            final AnswerSink session = sessions[i];
            sessions[i] = null;
            final boolean offered;
            switch (types[i])
            {
                case DispatchEvent.SUBMIT:
                    // recorded before it is queued, like the ACKED counter: a reader of /latency that has seen
                    // the ACK finds it counted, so a window read by a client holds exactly the ACKs it saw
                    if ((outcomes[i] == DispatchEvent.OUTCOME_ACCEPTED || outcomes[i] == DispatchEvent.OUTCOME_DUPLICATE)
                        && readNanos[i] != 0)
                    {
                        latency.record(kinds[i], now - readNanos[i]);
                    }
                    offered = answerSubmit(session, i);
                    break;
                case DispatchEvent.CANCEL:
                    offered = outcomes[i] == DispatchEvent.CANCEL_NOT_FOUND ?
                        session.offerNack(correlationIds[i], ErrorCode.NOT_FOUND, NOT_FOUND) :
                        session.offerCancelResult(correlationIds[i], messageIds[i], outcomes[i]);
                    break;
                default:
                    if (outcomes[i] == DispatchEvent.OUTCOME_STORAGE_FULL)
                    {
                        offered = session.offerNack(correlationIds[i], ErrorCode.STORAGE_FULL, STORAGE_FULL);
                    }
                    else
                    {
                        offered = outcomes[i] == DispatchEvent.OUTCOME_JOURNAL_FAILED ?
                            session.offerNack(correlationIds[i], ErrorCode.JOURNAL_FAILURE, JOURNAL_FAILED) :
                            session.offerOk(correlationIds[i]);
                    }
            }
            if (offered)
            {
                flusher.touch(session);
            }
            else
            {
                errors.record("answer_queue_full", "session answer queue full: client exceeded its credit");
            }
        }
        pending = 0;
    }

    /** An unknown key is NOT_FOUND like an unknown id: message ids on the wire are u64, never -1. */
    private byte cancelOutcome(final DispatchEvent e)
    {
        if (e.outcome != DispatchEvent.CANCEL_NOT_DEFERRED)
        {
            return e.outcome;
        }
        if (e.messageId < 0)
        {
            return DispatchEvent.CANCEL_NOT_FOUND;
        }
        final int slot = status.find(e.messageId);
        return slot >= 0 && status.tenant(slot) == e.tenantId ? e.outcome : DispatchEvent.CANCEL_NOT_FOUND;
    }

    private boolean answerSubmit(final AnswerSink session, final int i)
    {
        switch (outcomes[i])
        {
            case DispatchEvent.OUTCOME_ACCEPTED:
                counters.increment(Counter.ACKED);
                return session.offerAck(correlationIds[i], messageIds[i], AckFlyweight.ACCEPTED);
            case DispatchEvent.OUTCOME_DUPLICATE:
                counters.increment(Counter.DUPLICATES);
                return session.offerAck(correlationIds[i], messageIds[i], AckFlyweight.DUPLICATE);
            case DispatchEvent.OUTCOME_DRY_RUN:
                return session.offerExplain(correlationIds[i], decisions[i], channels[i],
                    kinds[i] != MessageKind.MARKETING.code(), reasons[i],
                    decisions[i] == Decision.DUPLICATE.code() ? messageIds[i] : dueAts[i], fallbacks[i],
                    fallbackAddresses[i], windows[i], windowLastMs[i]);
            case DispatchEvent.OUTCOME_STORAGE_FULL:
                counters.increment(Counter.SUBMITS_NACKED);
                counters.increment(Counter.STORAGE_FULL_NACKS);
                return session.offerNack(correlationIds[i], ErrorCode.STORAGE_FULL, STORAGE_FULL);
            case DispatchEvent.OUTCOME_REFUSED:
                counters.increment(Counter.SUBMITS_NACKED);
                return session.offerNack(correlationIds[i], ErrorCode.RATE_LIMITED, RATE_LIMITED);
            default:
                counters.increment(Counter.SUBMITS_NACKED);
                return session.offerNack(correlationIds[i], ErrorCode.JOURNAL_FAILURE, JOURNAL_FAILED);
        }
    }
}
