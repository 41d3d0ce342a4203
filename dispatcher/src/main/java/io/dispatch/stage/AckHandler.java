package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ingest.IngestSession;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;

/**
 * Answers each SUBMIT after the journal stage: ACK (journaled), ACK duplicate (with the original id) or
 * NACK JOURNAL_FAILURE. Runs after the journal stage by ring order, so an ACK never precedes its append.
 */
public final class AckHandler implements EventHandler<DispatchEvent>
{
    private static final byte[] JOURNAL_FAILED = "journal append failed; resubmit with the same key"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final SessionFlusher flusher;
    private final Counters counters;
    private final DistinctErrorLog errors;

    public AckHandler(final SessionFlusher flusher, final Counters counters, final DistinctErrorLog errors)
    {
        this.flusher = flusher;
        this.counters = counters;
        this.errors = errors;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type != DispatchEvent.SUBMIT)
        {
            return;
        }
        final IngestSession session = e.session;
        final boolean offered;
        switch (e.outcome)
        {
            case DispatchEvent.OUTCOME_ACCEPTED:
                counters.increment(Counter.ACKED);
                offered = session.offerAck(e.correlationId, e.messageId, Frames.ACK_ACCEPTED);
                break;
            case DispatchEvent.OUTCOME_DUPLICATE:
                counters.increment(Counter.DUPLICATES);
                offered = session.offerAck(e.correlationId, e.messageId, Frames.ACK_DUPLICATE);
                break;
            default:
                counters.increment(Counter.SUBMITS_NACKED);
                offered = session.offerNack(e.correlationId, ErrorCode.JOURNAL_FAILURE, JOURNAL_FAILED);
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
}
