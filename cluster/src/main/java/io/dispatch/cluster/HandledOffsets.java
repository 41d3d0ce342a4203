package io.dispatch.cluster;

import java.util.Arrays;

/**
 * One partition's records published into the local ring and not yet known journaled, in offset order: each with the
 * ring sequence it was published at. The ring runs its events in sequence order, so once every stage has passed a
 * sequence, every record up to it is journaled; the next offset to commit is then one past the last of them (the
 * lowest contiguous handled offset, as Decaton tracks it, kept simple because one partition is fed in order).
 * <p>
 * <b>Note:</b> the feeder thread only.
 */
final class HandledOffsets
{
    private long[] offsets = new long[1024];
    private long[] sequences = new long[1024];
    private int head;
    private int size;
    /** The next offset to commit, -1 while nothing was handled since the assignment. */
    private long commitOffset = -1;
    /**
     * Records below this offset (and at or above the committed one) may have been sent by an owner that did not hand
     * the partition over: set at assignment, 0 when the previous owner handed over (or there was none).
     */
    long takeoverEnd;

    void published(final long offset, final long sequence)
    {
        if (size == offsets.length)
        {
            grow();
        }
        final int at = (head + size) & (offsets.length - 1);
        offsets[at] = offset;
        sequences[at] = sequence;
        size++;
    }

    /** @return whether the commit offset moved. */
    boolean handledThrough(final long ringSequence)
    {
        boolean moved = false;
        while (size > 0 && sequences[head] <= ringSequence)
        {
            commitOffset = offsets[head] + 1;
            head = (head + 1) & (offsets.length - 1);
            size--;
            moved = true;
        }
        return moved;
    }

    long commitOffset()
    {
        return commitOffset;
    }

    boolean isDrained()
    {
        return size == 0;
    }

    /** @return the ring sequence of the last record published, or -1 when none is pending. */
    long lastSequence()
    {
        return size == 0 ? -1 : sequences[(head + size - 1) & (offsets.length - 1)];
    }

    private void grow()
    {
        final long[] o = new long[offsets.length * 2];
        final long[] s = new long[offsets.length * 2];
        for (int i = 0; i < size; i++)
        {
            o[i] = offsets[(head + i) & (offsets.length - 1)];
            s[i] = sequences[(head + i) & (offsets.length - 1)];
        }
        offsets = o;
        sequences = s;
        head = 0;
        Arrays.fill(o, size, o.length, 0);
    }
}
