package io.dispatch.connector.runtime;

import io.dispatch.util.DeadlineFifo;
import org.agrona.collections.Long2LongHashMap;

/**
 * Messages a provider accepted and whose receipt the lane still waits for. Every timeout is "accepted +
 * receiptTimeoutMs", added in time order, so a FIFO replaces a timer wheel.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class ReceiptTimeouts
{
    private final long timeoutMs;
    /** An earlier attempt of the message may have reached the recipient (it must not fall back). */
    private static final long UNCERTAIN = 1L << 8;

    /** messageId → MessageKind code (0 when unknown: recovered after a restart) | {@link #UNCERTAIN}. */
    private final Long2LongHashMap awaiting = new Long2LongHashMap(-1);
    private final DeadlineFifo deadlines = new DeadlineFifo(4096);

    ReceiptTimeouts(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    void await(final long messageId, final int kind, final boolean uncertain, final long fromMs)
    {
        awaiting.put(messageId, (kind & 0xFF) | (uncertain ? UNCERTAIN : 0));
        deadlines.add(messageId, null, fromMs + timeoutMs);
    }

    /** @return what {@link #kind} and {@link #uncertain} read, or -1 when it was not awaited (late or duplicate receipt). */
    long receipt(final long messageId)
    {
        return awaiting.remove(messageId);
    }

    static int kind(final long awaited)
    {
        return (int)(awaited & 0xFF);
    }

    static boolean uncertain(final long awaited)
    {
        return (awaited & UNCERTAIN) != 0;
    }

    /** @return the next message whose receipt is overdue, or -1. Call until -1. */
    long pollExpired(final long nowMs)
    {
        while (deadlines.headExpired(nowMs))
        {
            final long id = deadlines.headValue();
            deadlines.removeHead();
            if (awaiting.remove(id) != -1)
            {
                return id;
            }
        }
        return -1;
    }

    int size()
    {
        return awaiting.size();
    }
}
