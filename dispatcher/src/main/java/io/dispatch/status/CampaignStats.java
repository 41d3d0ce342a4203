package io.dispatch.status;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of every campaign, by stats slot. Each counter has one writer: the targeting thread counts
 * the fan-out (targeted, unreachable, opted out, fanned out per channel), the ring's status stage counts what
 * happened to the messages (decisions, duplicates, suppressions by reason, cancellations, deliveries and
 * failures per channel). Readers on other threads see each counter's latest value, not a snapshot of all of them.
 */
public final class CampaignStats
{
    /** Slots 1..MAX_SLOTS-1; slot 0 means "no campaign". */
    public static final int MAX_SLOTS = 4096;
    private static final int WIDTH = 96;
    private static final int CHANNEL_AT = 16;
    private static final int REASON_AT = 32;
    private static final int MAX_REASON = WIDTH - REASON_AT - 1;

    private final AtomicLongArray counters = new AtomicLongArray(MAX_SLOTS * WIDTH);
    /** Per channel code: its lane has a receipt deadline, so a DELIVERED there is a fallback avoided. */
    private final boolean[] receiptDeadline = new boolean[4];

    /** Before the ring starts (and recovery): {@code channel}'s lane has {@code fallbackUndeliveredMs}. */
    public void receiptDeadline(final int channel)
    {
        receiptDeadline[channel] = true;
    }

    /** Single writer per counter: a plain increment published with release semantics. */
    public void increment(final int slot, final int counter)
    {
        add(slot, counter, 1);
    }

    public void add(final int slot, final int counter, final long delta)
    {
        if (slot > 0)
        {
            final int i = slot * WIDTH + index(counter);
            counters.lazySet(i, counters.get(i) + delta);
        }
    }

    public long get(final int slot, final int counter)
    {
        return counters.get(slot * WIDTH + index(counter));
    }

    public void incrementChannel(final int slot, final int channel, final int what)
    {
        increment(slot, CampaignDescriptor.channelCounter(channel, what));
    }

    public void incrementSuppressed(final int slot, final int reason)
    {
        increment(slot, CampaignDescriptor.COUNTER_SUPPRESSED_BASE + Math.min(reason, MAX_REASON));
    }

    /**
     * A campaign message the ring decided on (or recovery read back): journaled, or explained when
     * {@code dryRun}. Called by the status stage, and by recovery before it starts.
     */
    public void countAccepted(final int slot, final int channel, final byte decision, final short reason,
        final boolean dryRun)
    {
        if (decision == Decision.DUPLICATE.code())
        {
            increment(slot, CampaignDescriptor.COUNTER_DUPLICATE);
            return;
        }
        increment(slot, CampaignDescriptor.COUNTER_FANNED_OUT);
        incrementChannel(slot, channel, CampaignDescriptor.CHANNEL_FANNED_OUT);
        if (decision == Decision.SEND.code())
        {
            increment(slot, CampaignDescriptor.COUNTER_DECIDED_SEND);
        }
        else if (decision == Decision.DEFER.code() || decision == Decision.REFUSE.code())
        {
            increment(slot, CampaignDescriptor.COUNTER_DECIDED_DEFER);
        }
        else if (decision == Decision.SUPPRESS.code())
        {
            increment(slot, CampaignDescriptor.COUNTER_DECIDED_SUPPRESS);
            if (dryRun)
            {
                // a journaled suppression is counted by its SUPPRESSED state, a dry run has none
                incrementSuppressed(slot, reason);
            }
        }
    }

    /**
     * A later state of a campaign message: suppressions by reason, cancellations, deliveries and failures by
     * channel.
     */
    public void countState(final int slot, final int channel, final byte state, final short reason)
    {
        if (state == DeliveryState.SUPPRESSED.code())
        {
            incrementSuppressed(slot, reason);
        }
        else if (state == DeliveryState.CANCELLED.code())
        {
            increment(slot, CampaignDescriptor.COUNTER_CANCELLED);
        }
        else if (state == DeliveryState.DELIVERED.code())
        {
            incrementChannel(slot, channel, CampaignDescriptor.CHANNEL_DELIVERED);
            if (channel > 0 && channel < receiptDeadline.length && receiptDeadline[channel])
            {
                increment(slot, CampaignDescriptor.COUNTER_FALLBACK_AVOIDED);
            }
        }
        else if (state == DeliveryState.FAILED.code() || state == DeliveryState.EXPIRED.code()
            || state == DeliveryState.REJECTED.code())
        {
            incrementChannel(slot, channel, CampaignDescriptor.CHANNEL_FAILED);
        }
    }

    /** Clears a slot before a new campaign takes it (the targeting thread, when no message of the old one is left). */
    public void clear(final int slot)
    {
        for (int i = 0; i < WIDTH; i++)
        {
            counters.set(slot * WIDTH + i, 0);
        }
    }

    /** Calls {@code visitor} with every non-zero counter of a slot, by protocol counter id. */
    public void forEach(final int slot, final CounterVisitor visitor)
    {
        for (int i = 1; i < WIDTH; i++)
        {
            final long v = counters.get(slot * WIDTH + i);
            if (v != 0)
            {
                visitor.counter(counterId(i), v);
            }
        }
    }

    public interface CounterVisitor
    {
        void counter(int counterId, long value);
    }

    private static int index(final int counter)
    {
        if (counter >= CampaignDescriptor.COUNTER_SUPPRESSED_BASE)
        {
            return REASON_AT + counter - CampaignDescriptor.COUNTER_SUPPRESSED_BASE;
        }
        if (counter >= CampaignDescriptor.COUNTER_CHANNEL_BASE)
        {
            final int c = counter - CampaignDescriptor.COUNTER_CHANNEL_BASE;
            return CHANNEL_AT + (c / 10) * 3 + c % 10;
        }
        return counter;
    }

    private static int counterId(final int index)
    {
        if (index >= REASON_AT)
        {
            return CampaignDescriptor.COUNTER_SUPPRESSED_BASE + index - REASON_AT;
        }
        if (index >= CHANNEL_AT)
        {
            final int c = index - CHANNEL_AT;
            return CampaignDescriptor.channelCounter(c / 3, c % 3);
        }
        return index;
    }
}
