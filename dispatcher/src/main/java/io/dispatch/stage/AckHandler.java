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
 * NACK JOURNAL_FAILURE. Answers are collected during a ring batch and handed to the sessions at its
 * end, after the journal stage's end-of-batch fsync (with {@code journal.fsync=batch}), so no client can
 * see an ACK for a record that is not yet on disk, even when ack and journal share a thread.
 */
public final class AckHandler implements EventHandler<DispatchEvent>
{
    private static final byte[] JOURNAL_FAILED = "journal append failed; resubmit with the same key"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final SessionFlusher flusher;
    private final Counters counters;
    private final DistinctErrorLog errors;
    private final IngestSession[] sessions;
    private final long[] correlationIds;
    private final long[] messageIds;
    private final byte[] outcomes;
    private int pending;

    /** @param maxBatch the ring size: no batch is larger. */
    public AckHandler(final SessionFlusher flusher, final Counters counters, final DistinctErrorLog errors, final int maxBatch)
    {
        this.flusher = flusher;
        this.counters = counters;
        this.errors = errors;
        this.sessions = new IngestSession[maxBatch];
        this.correlationIds = new long[maxBatch];
        this.messageIds = new long[maxBatch];
        this.outcomes = new byte[maxBatch];
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type == DispatchEvent.SUBMIT)
        {
            sessions[pending] = e.session;
            correlationIds[pending] = e.correlationId;
            messageIds[pending] = e.messageId;
            outcomes[pending] = e.outcome;
            pending++;
        }
        if (endOfBatch || pending == sessions.length)
        {
            answerPending();
        }
    }

    private void answerPending()
    {
        for (int i = 0; i < pending; i++)
        {
            final IngestSession session = sessions[i];
            sessions[i] = null;
            final boolean offered;
            switch (outcomes[i])
            {
                case DispatchEvent.OUTCOME_ACCEPTED:
                    counters.increment(Counter.ACKED);
                    offered = session.offerAck(correlationIds[i], messageIds[i], Frames.ACK_ACCEPTED);
                    break;
                case DispatchEvent.OUTCOME_DUPLICATE:
                    counters.increment(Counter.DUPLICATES);
                    offered = session.offerAck(correlationIds[i], messageIds[i], Frames.ACK_DUPLICATE);
                    break;
                default:
                    counters.increment(Counter.SUBMITS_NACKED);
                    offered = session.offerNack(correlationIds[i], ErrorCode.JOURNAL_FAILURE, JOURNAL_FAILED);
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
}
