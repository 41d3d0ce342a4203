package io.dispatch.schedule;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The deferred messages in (due time, message id) order: a binary min-heap over three parallel primitive arrays
 * (due time, message id, entry slot), 20 bytes a message, grown by doubling and never per message.
 * <p>
 * It replaces Agrona's {@code DeadlineTimerWheel}, whose memory is ticks per wheel × the fullest spoke: the wheel
 * grows every spoke's array when one fills, so 50,000 messages with one send-at took 4096 × 65,536 timer slots
 * (2 GB) and a million (a campaign's send-at, the 08:00 release of a night's marketing) could never fit. Here
 * memory is proportional to the messages held, whatever their due times. Push and pop cost O(log n), about 20
 * levels at a million, against the wheel's O(1); the scheduler does a few thousand a duty cycle at most, and only
 * for messages that are deferred, so that is cheap. A sorted map of per-due-time buckets would also have been
 * proportional, but allocates a bucket per distinct due time, and rate deferrals make nearly every due time distinct.
 * <p>
 * Capacity stays at its high-water mark (no shrinking, so no allocation when a burst drains and the next comes).
 * <b>Note:</b> not thread-safe; owned by the scheduler thread.
 */
final class DueQueue
{
    private static final int INITIAL_CAPACITY = 1024;

    private long[] dueAts = new long[INITIAL_CAPACITY];
    private long[] messageIds = new long[INITIAL_CAPACITY];
    private int[] slots = new int[INITIAL_CAPACITY];
    private int size;

    void add(final long dueAtMs, final long messageId, final int slot)
    {
        if (size == dueAts.length)
        {
            grow();
        }
        siftUp(size++, dueAtMs, messageId, slot);
    }

    int size()
    {
        return size;
    }

    /** @return the slots the arrays hold room for (the footprint is 20 bytes each). */
    int capacity()
    {
        return dueAts.length;
    }

    /** @return whether the earliest message is due at {@code nowMs}; false when empty. */
    boolean hasDue(final long nowMs)
    {
        return size > 0 && dueAts[0] <= nowMs;
    }

    /** The earliest message's id; only when not empty. */
    long peekMessageId()
    {
        return messageIds[0];
    }

    /** Removes the earliest message. @return its entry slot. */
    int poll()
    {
        final int slot = slots[0];
        final int last = --size;
        if (last > 0)
        {
            siftDown(0, dueAts[last], messageIds[last], slots[last]);
        }
        return slot;
    }

    /**
     * Makes every message whose slot matches due at {@code nowMs} (never later than it already was), then
     * restores the heap in O(n). For a campaign cancel, which is rare, so a full pass is fine.
     *
     * @return how many matched.
     */
    int makeDue(final IntPredicate slotMatches, final long nowMs)
    {
        int matched = 0;
        for (int i = 0; i < size; i++)
        {
            if (slotMatches.test(slots[i]))
            {
                dueAts[i] = Math.min(dueAts[i], nowMs);
                matched++;
            }
        }
        if (matched > 0)
        {
            for (int i = (size >>> 1) - 1; i >= 0; i--)
            {
                siftDown(i, dueAts[i], messageIds[i], slots[i]);
            }
        }
        return matched;
    }

    private void siftUp(final int from, final long dueAt, final long messageId, final int slot)
    {
        int i = from;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(dueAt, messageId, dueAts[parent], messageIds[parent]))
            {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, dueAt, messageId, slot);
    }

    private void siftDown(final int from, final long dueAt, final long messageId, final int slot)
    {
        final int n = size;
        final int half = n >>> 1;
        int i = from;
        while (i < half)
        {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < n && before(dueAts[right], messageIds[right], dueAts[child], messageIds[child]))
            {
                child = right;
            }
            if (!before(dueAts[child], messageIds[child], dueAt, messageId))
            {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, dueAt, messageId, slot);
    }

    private static boolean before(final long dueAtA, final long idA, final long dueAtB, final long idB)
    {
        return dueAtA < dueAtB || (dueAtA == dueAtB && idA < idB);
    }

    private void move(final int from, final int to)
    {
        dueAts[to] = dueAts[from];
        messageIds[to] = messageIds[from];
        slots[to] = slots[from];
    }

    private void set(final int i, final long dueAt, final long messageId, final int slot)
    {
        dueAts[i] = dueAt;
        messageIds[i] = messageId;
        slots[i] = slot;
    }

    private void grow()
    {
        final int n = dueAts.length * 2;
        dueAts = Arrays.copyOf(dueAts, n);
        messageIds = Arrays.copyOf(messageIds, n);
        slots = Arrays.copyOf(slots, n);
    }
}
