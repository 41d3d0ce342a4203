package io.dispatch.load;

import org.agrona.collections.Long2LongHashMap;

/**
 * Matches receipts (which carry only a message id) to the intended send time learnt from the ACK.
 * <p>
 * {@code awaiting}: message id → intended send time from its ACK, replaced by {@link #DONE} once the
 * completing receipt was seen (PROVIDER_ACCEPTED, or a terminal state if first) and removed at the
 * terminal receipt, so a later DELIVERED after PROVIDER_ACCEPTED is not mistaken for an early receipt.
 * {@code early}: message id → arrival time of a completing receipt that overtook its ACK (low bit:
 * a terminal receipt was seen too); bounded.
 * <p>
 * <b>Threading:</b> not thread-safe; owned by the connection's client I/O thread.
 */
public final class ReceiptCorrelator
{
    /** Returned when there is nothing to record. */
    public static final long NONE = Long.MIN_VALUE;
    static final long DONE = Long.MIN_VALUE + 1;
    /** In {@code early} values: the receipt was terminal. Costs the arrival time 1 ns of resolution. */
    private static final long TERMINAL_BIT = 1L;

    private final Long2LongHashMap awaiting = new Long2LongHashMap(NONE);
    private final Long2LongHashMap early = new Long2LongHashMap(NONE);
    private final int earlyCapacity;
    private long earlyOverflow;
    private long pendingE2e;

    public ReceiptCorrelator(final int earlyCapacity)
    {
        this.earlyCapacity = earlyCapacity;
    }

    /**
     * An ACK (not a duplicate) arrived for a message intended at {@code intendedNs}.
     *
     * @return the arrival time of a completing receipt that came before this ACK, or {@link #NONE}.
     */
    public long onAcked(final long messageId, final long intendedNs)
    {
        final long earlyValue = early.remove(messageId);
        if (earlyValue != NONE)
        {
            if ((earlyValue & TERMINAL_BIT) == 0)
            {
                awaiting.put(messageId, DONE);
            }
            return earlyValue & ~TERMINAL_BIT;
        }
        awaiting.put(messageId, intendedNs);
        pendingE2e++;
        return NONE;
    }

    /**
     * A receipt that completes the end-to-end path (PROVIDER_ACCEPTED or terminal) arrived.
     *
     * @return the message's intended send time when this receipt completes it, otherwise {@link #NONE}.
     */
    public long onCompletingReceipt(final long messageId, final boolean terminal, final long nowNs)
    {
        final long intendedNs = awaiting.get(messageId);
        if (intendedNs == NONE)
        {
            final long existing = early.get(messageId);
            if (existing != NONE)
            {
                // Keep the first arrival time; remember that the message has since finished.
                early.put(messageId, existing | (terminal ? TERMINAL_BIT : 0));
            }
            else if (early.size() < earlyCapacity)
            {
                early.put(messageId, (nowNs & ~TERMINAL_BIT) | (terminal ? TERMINAL_BIT : 0));
            }
            else
            {
                earlyOverflow++;
            }
            return NONE;
        }
        if (terminal)
        {
            awaiting.remove(messageId);
        }
        else if (intendedNs != DONE)
        {
            awaiting.put(messageId, DONE);
        }
        if (intendedNs == DONE)
        {
            return NONE;
        }
        pendingE2e--;
        return intendedNs;
    }

    /** @return acked messages still waiting for their completing receipt. */
    public long pendingE2e()
    {
        return pendingE2e;
    }

    /** @return completing receipts held because their ACK has not been processed yet. */
    public int earlyReceipts()
    {
        return early.size();
    }

    /** @return early receipts not held because {@code early} was full. */
    public long earlyOverflow()
    {
        return earlyOverflow;
    }

    /** @return ids tracked (awaiting or done-not-terminal): for memory sanity checks in tests. */
    public int trackedIds()
    {
        return awaiting.size();
    }
}
