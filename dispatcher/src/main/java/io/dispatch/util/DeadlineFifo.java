package io.dispatch.util;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * Deadlines that are added in deadline order (a constant delay after "now"), so the earliest is always
 * at the head: a timer queue with O(1) add and expiry and no per-entry objects. Grows by doubling.
 * <p>
 * An owner whose entries mostly end before their deadline (a receipt arrives, the timer is moot) names which are
 * still {@code live}: a full queue then first drops the others, in place, and doubles only when that freed less than
 * half of it. Otherwise such a queue would hold every entry for the whole delay, hours of them for a long one.
 * <p>
 * <b>Note:</b> not thread-safe; one owner thread.
 */
public final class DeadlineFifo
{
    private long[] values;
    private long[] deadlines;
    private Object[] attachments;
    private final LongPredicate live;
    private int head;
    private int tail;

    public DeadlineFifo(final int initialCapacity)
    {
        this(initialCapacity, null);
    }

    /** @param live whether an entry's value still needs its deadline, or null when every entry does. */
    public DeadlineFifo(final int initialCapacity, final LongPredicate live)
    {
        final int n = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        values = new long[n];
        deadlines = new long[n];
        attachments = new Object[n];
        this.live = live;
    }

    public void add(final long value, final Object attachment, final long deadline)
    {
        if (tail - head == values.length && (live == null || dropDone() < values.length >> 1))
        {
            grow();
        }
        final int i = tail & (values.length - 1);
        values[i] = value;
        deadlines[i] = deadline;
        attachments[i] = attachment;
        tail++;
    }

    /** @return true when the head entry's deadline is at or before {@code now}. */
    public boolean headExpired(final long now)
    {
        return head != tail && deadlines[head & (values.length - 1)] <= now;
    }

    public long headValue()
    {
        return values[head & (values.length - 1)];
    }

    public Object headAttachment()
    {
        return attachments[head & (values.length - 1)];
    }

    public void removeHead()
    {
        attachments[head & (values.length - 1)] = null;
        head++;
    }

    public int size()
    {
        return tail - head;
    }

    public int capacity()
    {
        return values.length;
    }

    /** Drops the entries that are no longer {@link #live}, keeping the order of the rest. @return how many it dropped. */
    private int dropDone()
    {
        final int mask = values.length - 1;
        int to = head;
        for (int from = head; from != tail; from++)
        {
            final int i = from & mask;
            if (live.test(values[i]))
            {
                final int j = to++ & mask;
                values[j] = values[i];
                deadlines[j] = deadlines[i];
                attachments[j] = attachments[i];
            }
        }
        for (int k = to; k != tail; k++)
        {
            attachments[k & mask] = null;
        }
        final int dropped = tail - to;
        tail = to;
        return dropped;
    }

    private void grow()
    {
        final int n = values.length;
        final int size = tail - head; // below n when dropDone freed a few
        final long[] v = new long[n << 1];
        final long[] d = new long[n << 1];
        final Object[] a = new Object[n << 1];
        for (int i = 0; i < size; i++)
        {
            final int from = (head + i) & (n - 1);
            v[i] = values[from];
            d[i] = deadlines[from];
            a[i] = attachments[from];
        }
        Arrays.fill(attachments, null);
        values = v;
        deadlines = d;
        attachments = a;
        head = 0;
        tail = size;
    }
}
