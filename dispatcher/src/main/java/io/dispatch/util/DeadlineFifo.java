package io.dispatch.util;

import java.util.Arrays;

/**
 * Deadlines that are added in deadline order (a constant delay after "now"), so the earliest is always
 * at the head: a timer queue with O(1) add and expiry and no per-entry objects. Grows by doubling.
 * <p>
 * <b>Note:</b> not thread-safe; one owner thread.
 */
public final class DeadlineFifo
{
    private long[] values;
    private long[] deadlines;
    private Object[] attachments;
    private int head;
    private int tail;

    public DeadlineFifo(final int initialCapacity)
    {
        final int n = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        values = new long[n];
        deadlines = new long[n];
        attachments = new Object[n];
    }

    public void add(final long value, final Object attachment, final long deadline)
    {
        if (tail - head == values.length)
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

    private void grow()
    {
        final int n = values.length;
        final long[] v = new long[n << 1];
        final long[] d = new long[n << 1];
        final Object[] a = new Object[n << 1];
        for (int i = 0; i < n; i++)
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
        tail = n;
    }
}
