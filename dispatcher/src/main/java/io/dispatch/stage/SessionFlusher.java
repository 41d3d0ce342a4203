package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.AnswerSinks;
import io.dispatch.ring.DispatchEvent;

/**
 * Collects the sessions that stages of this thread wrote answers or receipts to, and at the end of the
 * ring batch asks each one's event loop to write them: one hand-off per session per batch, not per message.
 * Runs after every stage that answers; {@link io.dispatch.ring.ClearingHandler} then drops the event's references.
 */
public final class SessionFlusher implements EventHandler<DispatchEvent>
{
    private final AnswerSink[] touched = new AnswerSink[AnswerSinks.MAX_SINKS];
    private int count;

    /** Called by stages on the same thread. */
    public void touch(final AnswerSink session)
    {
        if (session.markTouched())
        {
            touched[count++] = session;
        }
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (endOfBatch && count > 0)
        {
            for (int i = 0; i < count; i++)
            {
                final AnswerSink s = touched[i];
                touched[i] = null;
                s.flushTouched();
            }
            count = 0;
        }
    }
}
