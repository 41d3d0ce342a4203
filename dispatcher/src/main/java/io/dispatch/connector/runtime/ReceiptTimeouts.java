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
    /** messageId → MessageKind code | attempts &lt;&lt; 8 (both 0 when unknown: recovered after a restart). */
    private final Long2LongHashMap awaiting = new Long2LongHashMap(-1);
    private final DeadlineFifo deadlines = new DeadlineFifo(4096);
    private long expired = -1;

    ReceiptTimeouts(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    /** @param attempts the attempt the provider accepted, for the dead letter should the receipt say failed. */
    void await(final long messageId, final int kind, final int attempts, final long fromMs)
    {
        awaiting.put(messageId, kind & 0xFF | (long)(attempts & 0xFFFF) << 8);
        deadlines.add(messageId, null, fromMs + timeoutMs);
    }

    /**
     * @return what {@link #await} kept ({@link #kindOf}, {@link #attemptsOf}), or -1 when the message was not awaited
     * (late or duplicate receipt).
     */
    long receipt(final long messageId)
    {
        return awaiting.remove(messageId);
    }

    /** @return the next message whose receipt is overdue, or -1. Call until -1. */
    long pollExpired(final long nowMs)
    {
        while (deadlines.headExpired(nowMs))
        {
            final long id = deadlines.headValue();
            deadlines.removeHead();
            final long value = awaiting.remove(id);
            if (value != -1)
            {
                expired = value;
                return id;
            }
        }
        return -1;
    }

    /** @return what {@link #await} kept for the message {@link #pollExpired} returned last. */
    long expiredValue()
    {
        return expired;
    }

    static int kindOf(final long value)
    {
        return (int)(value & 0xFF);
    }

    static int attemptsOf(final long value)
    {
        return (int)(value >>> 8 & 0xFFFF);
    }

    int size()
    {
        return awaiting.size();
    }
}
