package io.dispatch.connector.runtime;

import io.dispatch.util.DeadlineFifo;
import io.dispatch.util.DeadlineHeap;
import org.agrona.collections.Long2LongHashMap;

/**
 * Messages a provider accepted and whose receipt the lane still waits for. On most lanes every timeout is
 * "accepted + receiptTimeoutMs", added in time order, so a FIFO replaces a timer wheel. A lane with a receipt
 * deadline ({@code fallbackUndeliveredMs}) takes a per-message deadline too (the SUBMIT variable
 * {@code fallback.undeliveredMs}): waits then differ per message, so it keeps them in a heap of primitive arrays
 * (docs/design/policy-stage.md "Push first").
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class ReceiptTimeouts
{
    /** An earlier attempt of the message may have reached the recipient (it must not fall back). */
    private static final long UNCERTAIN = 1L << 24;

    private final long timeoutMs;
    /**
     * messageId → MessageKind code | attempts &lt;&lt; 8 (both 0 when unknown: recovered after a restart) |
     * {@link #UNCERTAIN}.
     */
    private final Long2LongHashMap awaiting = new Long2LongHashMap(-1);
    private final DeadlineFifo deadlines;
    private final DeadlineHeap perMessage;
    private long expired = -1;

    /** @param perMessageWaits waits may differ per message ({@link #await(long, int, int, boolean, long, long)}). */
    ReceiptTimeouts(final long timeoutMs, final boolean perMessageWaits)
    {
        this.timeoutMs = timeoutMs;
        // a receipt ends the wait: its deadline is dropped when the FIFO fills, not kept for receiptTimeoutMs
        this.deadlines = perMessageWaits ? null : new DeadlineFifo(4096, awaiting::containsKey);
        this.perMessage = perMessageWaits ? new DeadlineHeap(4096) : null;
    }

    /** @return the wait when the message names none. */
    long defaultWaitMs()
    {
        return timeoutMs;
    }

    /**
     * @param attempts  the attempt the provider accepted, for the dead letter should the receipt say failed.
     * @param uncertain an earlier attempt may have reached the recipient.
     * @param fromMs    when the provider accepted it: calls come in that order.
     */
    void await(final long messageId, final int kind, final int attempts, final boolean uncertain, final long fromMs)
    {
        await(messageId, kind, attempts, uncertain, fromMs, timeoutMs);
    }

    /**
     * @param waitMs this message's wait; only a lane built with per-message waits takes one other than the default.
     */
    void await(
        final long messageId, final int kind, final int attempts, final boolean uncertain, final long fromMs,
        final long waitMs)
    {
        awaiting.put(messageId, kind & 0xFF | (long)(attempts & 0xFFFF) << 8 | (uncertain ? UNCERTAIN : 0));
        if (perMessage != null)
        {
            perMessage.add(messageId, fromMs + waitMs);
        }
        else
        {
            deadlines.add(messageId, null, fromMs + timeoutMs);
        }
    }

    /**
     * @return what {@link #await} kept ({@link #kindOf}, {@link #attemptsOf}, {@link #uncertain}), or -1 when the
     * message was not awaited (late or duplicate receipt).
     */
    long receipt(final long messageId)
    {
        return awaiting.remove(messageId);
    }

    /** @return the next message whose receipt is overdue, or -1. Call until -1. */
    long pollExpired(final long nowMs)
    {
        while (perMessage != null ? perMessage.headExpired(nowMs) : deadlines.headExpired(nowMs))
        {
            final long id;
            if (perMessage != null)
            {
                id = perMessage.headValue();
                perMessage.removeHead();
            }
            else
            {
                id = deadlines.headValue();
                deadlines.removeHead();
            }
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

    static boolean uncertain(final long value)
    {
        return (value & UNCERTAIN) != 0;
    }

    int size()
    {
        return awaiting.size();
    }

    /** Tests: the deadlines the FIFO has room for. */
    int deadlineCapacity()
    {
        return deadlines.capacity();
    }
}
