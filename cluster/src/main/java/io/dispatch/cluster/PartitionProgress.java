package io.dispatch.cluster;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.Arrays;

/**
 * One owned partition's records from the last commit on, in offset order, each active (in this node's hands, may be
 * sent), parked (deferred), dropped (left unsent for the next owner) or done (see {@link StateObserver}). The offset
 * to commit is the first record not done (Decaton's lowest contiguous completed offset): a new owner starts there,
 * and skips the records after it that the changelog marks done. Marks are kept per bucket of 64 offsets
 * ({@link StateChangelog}), written when a record above the commit changes, tombstoned once the commit passed them.
 * <p>
 * Also holds what was restored from the changelog at assignment: the previous owners' done and unsent marks, and how
 * far they had fed.
 * <p>
 * <b>Note:</b> the feeder thread only.
 */
final class PartitionProgress
{
    static final byte ACTIVE = 0;
    static final byte PARKED = 1;
    static final byte DROPPED = 2;
    static final byte DONE = 3;
    static final int BUCKET_SHIFT = 6;

    final int partition;
    final int epoch;
    private long[] offsets = new long[1024];
    private byte[] states = new byte[1024];
    private int head;
    private int size;
    private int active;
    private long lastAppended = -1;
    private long committed = -1;
    private long lastFedSequence = -1;
    /** The highest offset fed by this or an earlier owner, as the changelog says: written before each feed. */
    long fedThrough = -1;
    private final long takeoverFedThrough;
    private final Long2LongHashMap restoredDone;
    private final Long2LongHashMap restoredUnsent;
    private final LongHashSet dirty = new LongHashSet();
    /** Buckets present in the changelog (written here or restored), to tombstone once committed past. */
    private final LongHashSet written = new LongHashSet();

    PartitionProgress(final int partition, final int epoch, final StateChangelog.Restored restored)
    {
        this.partition = partition;
        this.epoch = epoch;
        this.takeoverFedThrough = restored.fedThrough;
        this.fedThrough = restored.fedThrough;
        this.restoredDone = restored.done;
        this.restoredUnsent = restored.unsent;
        restored.done.keySet().forEach(written::add);
        restored.unsent.keySet().forEach(written::add);
    }

    /** @return whether the changelog says an earlier owner finished this record: skip it. */
    boolean restoredDone(final long offset)
    {
        return (restoredDone.get(offset >>> BUCKET_SHIFT) & bit(offset)) != 0;
    }

    /**
     * @return whether an earlier owner had fed this record and may have sent it (not finished, not known unsent):
     *         sending it again may repeat it.
     */
    boolean mayRepeat(final long offset)
    {
        return offset <= takeoverFedThrough && !restoredDone(offset) &&
            (restoredUnsent.get(offset >>> BUCKET_SHIFT) & bit(offset)) == 0;
    }

    void append(final long offset, final byte state, final long sequence)
    {
        if (size == offsets.length)
        {
            grow();
        }
        final int at = (head + size) & (offsets.length - 1);
        offsets[at] = offset;
        states[at] = state;
        size++;
        lastAppended = offset;
        if (state == ACTIVE)
        {
            active++;
        }
        if (sequence >= 0)
        {
            lastFedSequence = sequence;
        }
        if (state != ACTIVE && (state != DONE || size > 1))
        {
            dirty.add(offset >>> BUCKET_SHIFT);
        }
        advance();
    }

    /** A signal from the journal thread about a record fed in this epoch. */
    void mark(final long offset, final byte state)
    {
        final int i = indexOf(offset);
        if (i < 0)
        {
            return; // committed past already (a duplicate signal)
        }
        final int at = (head + i) & (offsets.length - 1);
        final byte before = states[at];
        if (before == DONE || before == state)
        {
            return;
        }
        if (before == ACTIVE)
        {
            active--;
        }
        if (state == ACTIVE)
        {
            active++;
        }
        states[at] = state;
        dirty.add(offset >>> BUCKET_SHIFT);
        advance();
    }

    /** @return the offset to commit: the first record not done, or one past the last when all are; -1 for none. */
    long commitOffset()
    {
        return size > 0 ? offsets[head] : lastAppended < 0 ? -1 : lastAppended + 1;
    }

    /** @return records in this node's hands that it may still send (neither done, parked nor dropped). */
    int active()
    {
        return active;
    }

    long lastFedSequence()
    {
        return lastFedSequence;
    }

    /** Records that a commit at {@code offset} succeeded. */
    void committed(final long offset)
    {
        committed = Math.max(committed, offset);
    }

    long committed()
    {
        return committed;
    }

    interface BucketWriter
    {
        void bucket(int partition, long bucket, long doneMask, long unsentMask);
    }

    /** Writes every bucket changed since the last call that still holds records at or above the commit offset. */
    void writeDirty(final BucketWriter writer)
    {
        if (dirty.isEmpty())
        {
            return;
        }
        final long commitBucket = commitOffset() >>> BUCKET_SHIFT;
        final LongHashSet.LongIterator it = dirty.iterator();
        while (it.hasNext())
        {
            final long b = it.nextValue();
            if (b >= commitBucket)
            {
                // restored marks of records not fed again yet must survive this write
                long done = restoredDone.get(b) & aboveMask(lastAppended, b);
                long unsent = restoredUnsent.get(b) & aboveMask(lastAppended, b);
                final long from = b << BUCKET_SHIFT;
                for (int i = Math.max(0, indexAtOrAfter(from)); i < size; i++)
                {
                    final int at = (head + i) & (offsets.length - 1);
                    if (offsets[at] >>> BUCKET_SHIFT != b)
                    {
                        break;
                    }
                    if (states[at] == DONE)
                    {
                        done |= bit(offsets[at]);
                    }
                    else if (states[at] != ACTIVE)
                    {
                        unsent |= bit(offsets[at]);
                    }
                }
                writer.bucket(partition, b, done, unsent);
                written.add(b);
            }
        }
        dirty.clear();
    }

    interface Tombstones
    {
        void tombstone(int partition, long bucket);
    }

    /** Tombstones every bucket written or restored that lies wholly below the committed offset. */
    void tombstoneCommitted(final Tombstones out)
    {
        if (committed < 0 || written.isEmpty())
        {
            return;
        }
        final long below = committed >>> BUCKET_SHIFT;
        final LongHashSet.LongIterator it = written.iterator();
        while (it.hasNext())
        {
            final long b = it.nextValue();
            if (b < below)
            {
                out.tombstone(partition, b);
                it.remove();
            }
        }
    }

    private void advance()
    {
        while (size > 0 && states[head] == DONE)
        {
            head = (head + 1) & (offsets.length - 1);
            size--;
        }
    }

    private int indexOf(final long offset)
    {
        final int i = indexAtOrAfter(offset);
        return i >= 0 && i < size && offsets[(head + i) & (offsets.length - 1)] == offset ? i : -1;
    }

    /** Binary search over the records in order. @return the index of the first offset >= {@code offset}. */
    private int indexAtOrAfter(final long offset)
    {
        int lo = 0;
        int hi = size;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (offsets[(head + mid) & (offsets.length - 1)] < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /** Bits of bucket {@code b} for offsets above {@code last} (records not appended yet). */
    private static long aboveMask(final long last, final long b)
    {
        final long first = b << BUCKET_SHIFT;
        if (last < first)
        {
            return -1L;
        }
        if (last >= first + 63)
        {
            return 0;
        }
        return -1L << (last - first + 1);
    }

    static long bit(final long offset)
    {
        return 1L << (offset & 63);
    }

    private void grow()
    {
        final long[] o = new long[offsets.length * 2];
        final byte[] s = new byte[offsets.length * 2];
        for (int i = 0; i < size; i++)
        {
            o[i] = offsets[(head + i) & (offsets.length - 1)];
            s[i] = states[(head + i) & (offsets.length - 1)];
        }
        offsets = o;
        states = s;
        head = 0;
        Arrays.fill(o, size, o.length, 0);
    }
}
