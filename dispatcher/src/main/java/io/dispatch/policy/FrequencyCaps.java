package io.dispatch.policy;

import io.dispatch.config.CapRules;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Exact rolling-window frequency caps. For each cap key (tenant, recipient, class, channel scope) it keeps
 * the times of the last {@code depth} sends, newest first, where {@code depth} is the largest count of any
 * rule: a rule "at most N in W" is exceeded exactly when the N-th newest send is younger than W. Times are
 * seconds since 2020-01-01 in an int, so a key costs one map slot, its 8-byte key for the sweep, plus
 * {@code 4 × depth} bytes. Entries whose history left the longest window are reclaimed by {@link #sweep}.
 * <p>
 * Rebuilt from the journal on restart (every send is journaled). <b>Note:</b> single writer, the policy
 * stage thread.
 */
public final class FrequencyCaps
{
    private static final long BASE_MS = 1_577_836_800_000L;
    private static final long MISSING = -1;

    private int depth;
    private long retentionMs;
    private final Long2LongHashMap slotByKey = new Long2LongHashMap(1 << 16, 0.65f, MISSING);
    private int[] times;
    private long[] keyBySlot;
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int nextSlot;
    private int sweepCursor;

    /**
     * @param depth       the largest count of any rule.
     * @param retentionMs the longest window of any rule: an entry whose newest send is older is forgotten.
     */
    public FrequencyCaps(final int depth, final long retentionMs)
    {
        this.depth = Math.max(1, depth);
        this.retentionMs = retentionMs;
        this.times = new int[this.depth * 1024];
        this.keyBySlot = new long[1024];
    }

    /** @return the longest window of any rule: sends older than this no longer count. */
    public long retentionMs()
    {
        return retentionMs;
    }

    public static long key(final long recipientKey, final int kind, final int scopeChannel)
    {
        long h = recipientKey ^ ((long)kind << 56) ^ ((long)scopeChannel << 48);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == MISSING ? 1 : h;
    }

    /** @return true when one more send now would break one of the rules. */
    public boolean isCapped(final long key, final CapRules rules, final long nowMs)
    {
        final long slot = slotByKey.get(key);
        if (slot == MISSING)
        {
            return false;
        }
        final int base = (int)slot * depth;
        final int now = seconds(nowMs);
        for (int i = 0, n = rules.size(); i < n; i++)
        {
            final int count = Math.min(rules.count(i), depth);
            final int t = times[base + count - 1];
            if (t != 0 && now - t < rules.windowMs(i) / 1000)
            {
                return true;
            }
        }
        return false;
    }

    public void record(final long key, final long atMs)
    {
        long slot = slotByKey.get(key);
        if (slot == MISSING)
        {
            slot = freeCount > 0 ? freeSlots[--freeCount] : newSlot();
            keyBySlot[(int)slot] = key;
            Arrays.fill(times, (int)slot * depth, (int)slot * depth + depth, 0);
            slotByKey.put(key, slot);
        }
        final int base = (int)slot * depth;
        System.arraycopy(times, base, times, base + 1, depth - 1);
        times[base] = Math.max(1, seconds(atMs));
    }

    /**
     * Forgets up to {@code budget} entries whose newest send has left every window, walking the slots
     * round-robin: called once per decision with a small budget, it keeps memory proportional to the
     * recipients sent to within the longest window instead of every recipient ever capped.
     */
    public void sweep(final long nowMs, final int budget)
    {
        if (nextSlot == 0 || retentionMs <= 0)
        {
            return;
        }
        final int oldest = seconds(nowMs - retentionMs);
        for (int i = 0; i < budget; i++)
        {
            if (sweepCursor >= nextSlot)
            {
                sweepCursor = 0;
            }
            final int slot = sweepCursor++;
            final int newest = times[slot * depth];
            if (newest != 0 && newest <= oldest)
            {
                slotByKey.remove(keyBySlot[slot]);
                times[slot * depth] = 0;
                if (freeCount == freeSlots.length)
                {
                    freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
                }
                freeSlots[freeCount++] = slot;
            }
        }
    }

    public int size()
    {
        return slotByKey.size();
    }

    private int newSlot()
    {
        final int slot = nextSlot++;
        if ((slot + 1) * depth > times.length)
        {
            times = Arrays.copyOf(times, times.length * 2);
        }
        if (slot >= keyBySlot.length)
        {
            keyBySlot = Arrays.copyOf(keyBySlot, keyBySlot.length * 2);
        }
        return slot;
    }

    /**
     * Makes room for rules an operator set at runtime: a deeper history (copied slot by slot, once per change, on the
     * policy thread) and a longer retention. Never narrows: a history kept for a removed rule only costs memory.
     */
    public void widen(final int newDepth, final long newRetentionMs)
    {
        retentionMs = Math.max(retentionMs, newRetentionMs);
        if (newDepth <= depth)
        {
            return;
        }
        final int[] wider = new int[times.length / depth * newDepth];
        for (int slot = 0; slot < nextSlot; slot++)
        {
            System.arraycopy(times, slot * depth, wider, slot * newDepth, depth);
        }
        times = wider;
        depth = newDepth;
    }

    public int depth()
    {
        return depth;
    }

    private static int seconds(final long ms)
    {
        return (int)((ms - BASE_MS) / 1000);
    }
}
