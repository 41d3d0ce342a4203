package io.dispatch.util;

import java.util.Arrays;

/**
 * Deadlines added in any order, the earliest at the head: a binary min-heap over primitive arrays, for timers whose
 * delays differ per entry (where {@link DeadlineFifo} needs one constant delay). O(log n) add and remove, no
 * per-entry objects; equal deadlines come out in the order they were added. Grows by doubling.
 * <p>
 * <b>Note:</b> not thread-safe; one owner thread.
 */
public final class DeadlineHeap
{
    private long[] deadlines;
    private long[] sequences;
    private long[] values;
    private int size;
    private long added;

    public DeadlineHeap(final int initialCapacity)
    {
        final int n = Math.max(16, initialCapacity);
        deadlines = new long[n];
        sequences = new long[n];
        values = new long[n];
    }

    public void add(final long value, final long deadline)
    {
        if (size == values.length)
        {
            final int n = size * 2;
            deadlines = Arrays.copyOf(deadlines, n);
            sequences = Arrays.copyOf(sequences, n);
            values = Arrays.copyOf(values, n);
        }
        int i = size++;
        final long sequence = added++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(deadline, sequence, parent))
            {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, deadline, sequence, value);
    }

    /** @return true when the earliest deadline is at or before {@code now}. */
    public boolean headExpired(final long now)
    {
        return size > 0 && deadlines[0] <= now;
    }

    public long headValue()
    {
        return values[0];
    }

    public long headDeadline()
    {
        return deadlines[0];
    }

    public void removeHead()
    {
        final int last = --size;
        if (last == 0)
        {
            return;
        }
        final long deadline = deadlines[last];
        final long sequence = sequences[last];
        final long value = values[last];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= last)
            {
                break;
            }
            if (child + 1 < last && before(deadlines[child + 1], sequences[child + 1], child))
            {
                child++;
            }
            if (!before(deadlines[child], sequences[child], deadline, sequence))
            {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, deadline, sequence, value);
    }

    public int size()
    {
        return size;
    }

    private boolean before(final long deadline, final long sequence, final int at)
    {
        return before(deadline, sequence, deadlines[at], sequences[at]);
    }

    private static boolean before(final long deadline, final long sequence, final long otherDeadline, final long otherSequence)
    {
        return deadline < otherDeadline || deadline == otherDeadline && sequence < otherSequence;
    }

    private void move(final int from, final int to)
    {
        set(to, deadlines[from], sequences[from], values[from]);
    }

    private void set(final int i, final long deadline, final long sequence, final long value)
    {
        deadlines[i] = deadline;
        sequences[i] = sequence;
        values[i] = value;
    }
}
