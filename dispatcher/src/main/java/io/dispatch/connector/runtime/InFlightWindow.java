package io.dispatch.connector.runtime;

import io.dispatch.connector.DeliveryRequest;

/**
 * The lane's in-flight window: one reusable {@link DeliveryRequest} per slot, the free-slot stack, when
 * each send left (for the throttle episode test and the accept latency), and how many slots marketing
 * holds (for its window share). Allocation-free after construction.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread. {@link #busy()} is published separately.
 */
final class InFlightWindow
{
    private final DeliveryRequest[] slots;
    private final long[] sentAtMs;
    private final long[] sentAtNs;
    private final boolean[] bulk;
    private final int[] free;
    private int freeCount;
    private int bulkBusy;

    InFlightWindow(final int size)
    {
        slots = new DeliveryRequest[size];
        sentAtMs = new long[size];
        sentAtNs = new long[size];
        bulk = new boolean[size];
        free = new int[size];
        for (int i = 0; i < size; i++)
        {
            slots[i] = new DeliveryRequest(i);
            free[i] = size - 1 - i;
        }
        freeCount = size;
    }

    boolean hasFree()
    {
        return freeCount > 0;
    }

    int busy()
    {
        return slots.length - freeCount;
    }

    int bulkBusy()
    {
        return bulkBusy;
    }

    /** Takes a free slot for a send; the caller checked {@link #hasFree()}. @return its request, to fill. */
    DeliveryRequest acquire(final boolean isPriority, final long nowMs, final long nowNs)
    {
        final int slot = free[--freeCount];
        sentAtMs[slot] = nowMs;
        sentAtNs[slot] = nowNs;
        bulk[slot] = !isPriority;
        if (!isPriority)
        {
            bulkBusy++;
        }
        return slots[slot];
    }

    /** The send in {@code slot} was answered; its request stays readable until the next {@link #acquire}. */
    DeliveryRequest release(final int slot)
    {
        free[freeCount++] = slot;
        if (bulk[slot])
        {
            bulkBusy--;
        }
        return slots[slot];
    }

    long sentAtMs(final int slot)
    {
        return sentAtMs[slot];
    }

    long sentAtNs(final int slot)
    {
        return sentAtNs[slot];
    }
}
