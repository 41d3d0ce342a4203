package io.dispatch.status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The campaigns cancelled so far, for the threads that hold a campaign's accepted messages: the lanes (before
 * each send), the scheduler and the policy stage (before a release). Single writer: the targeting thread (and
 * its replay, before the engine starts).
 * <p>
 * Why a copy-on-write array: the check runs for every campaign message, a cancellation happens a few times a
 * month and is never undone. The ids sit in a small sorted array, copied on each cancellation and published
 * through one volatile field, so a reader pays a volatile read and a binary search over a handful of ids: no
 * lock, no allocation, no contention with the writer.
 * <p>
 * Each cancellation also carries the ring sequence claimed last after it was published. Once the ring's last
 * stage has passed it, every campaign message published before the cancellation sits in a lane or the
 * scheduler, and each of them goes over what it holds ({@link Watch#sweepDue}); a message released later meets
 * the policy stage's check. The sequence is read after the ids are published, so nothing falls between the two.
 */
public final class CancelledCampaigns
{
    /** How long a cancellation waits for the watches to take it in before answering anyway (a stuck lane). */
    private static final long ACKNOWLEDGE_TIMEOUT_NS = 2_000_000_000L;
    private static final long ACKNOWLEDGE_PARK_NS = 50_000L;
    /** A ring sequence no consumer reaches: published while the real one is being read. */
    private static final long NOT_YET = Long.MAX_VALUE;

    /** What one publication holds; immutable. */
    private record Snapshot(long[] ids, long sweepAfter)
    {
        boolean contains(final long campaignId)
        {
            return Arrays.binarySearch(ids, campaignId) >= 0;
        }
    }

    private static final Snapshot NONE = new Snapshot(new long[0], -1);

    private volatile Snapshot current = NONE;
    /** Registered before the engine's threads start; read by the targeting thread afterwards. */
    private final List<Watch> watches = new ArrayList<>();

    /** Any thread. @return whether {@code campaignId} (0 = not a campaign message) was cancelled. */
    public boolean contains(final long campaignId)
    {
        return campaignId != 0 && current.contains(campaignId);
    }

    /** @return how many campaigns were cancelled (any thread). */
    public int size()
    {
        return current.ids.length;
    }

    /**
     * Targeting thread: adds a cancellation (idempotent) and publishes it.
     *
     * @param claimedSequence the ring sequence claimed last, read after the publication; -1 before the ring runs.
     */
    public void cancel(final long campaignId, final LongSupplier claimedSequence)
    {
        final long[] ids = current.ids;
        final int at = Arrays.binarySearch(ids, campaignId);
        if (at >= 0)
        {
            return;
        }
        final int insert = -at - 1;
        final long[] next = new long[ids.length + 1];
        System.arraycopy(ids, 0, next, 0, insert);
        next[insert] = campaignId;
        System.arraycopy(ids, insert, next, insert + 1, ids.length - insert);
        current = new Snapshot(next, NOT_YET);
        current = new Snapshot(next, claimedSequence.getAsLong());
    }

    /**
     * Targeting thread: waits until every watch has taken in the cancellations published so far. Once it
     * returns true, no lane hands a message of a cancelled campaign to its provider any more. Bounded: a lane
     * stuck in its connector must not stall the targeting thread.
     *
     * @return false when some watch did not acknowledge within the timeout.
     */
    public boolean awaitWatches()
    {
        final int count = size();
        for (long waitedNs = 0; waitedNs < ACKNOWLEDGE_TIMEOUT_NS; waitedNs += ACKNOWLEDGE_PARK_NS)
        {
            if (allAcknowledged(count))
            {
                return true;
            }
            LockSupport.parkNanos(ACKNOWLEDGE_PARK_NS);
        }
        return allAcknowledged(count);
    }

    private boolean allAcknowledged(final int count)
    {
        for (final Watch w : watches)
        {
            if (w.acknowledged < count)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A reader thread's view, registered before the engine starts; the targeting thread waits for it to take
     * in each cancellation before answering. Call {@link #close()} when its thread stops.
     */
    public Watch newWatch()
    {
        final Watch w = new Watch(this);
        watches.add(w);
        return w;
    }

    /**
     * One thread's view of the cancellations: refreshed once per duty cycle, so the per-message check reads
     * plain fields. <b>Note:</b> not thread-safe; owned by one lane or the scheduler.
     */
    public static final class Watch implements AutoCloseable
    {
        private final CancelledCampaigns source;
        private Snapshot seen = NONE;
        private int swept;
        private volatile int acknowledged;

        private Watch(final CancelledCampaigns source)
        {
            this.source = source;
        }

        /** At the start of a duty cycle: takes in what was cancelled since, and says so to the targeting thread. */
        public void refresh()
        {
            final Snapshot s = source.current;
            if (s != seen)
            {
                seen = s;
                acknowledged = s.ids.length;
            }
        }

        /** @return whether the campaign of a message (0 = none) was cancelled, as of the last {@link #refresh()}. */
        public boolean isCancelled(final long campaignId)
        {
            return campaignId != 0 && seen.contains(campaignId);
        }

        /**
         * @param handedOffSequence the sequence every ring stage has passed (read only while a sweep is pending).
         * @return true once per new cancellation, as soon as every message published before it has been handed
         * off: time for the owner to end the cancelled campaigns' messages it holds.
         */
        public boolean sweepDue(final LongSupplier handedOffSequence)
        {
            if (swept != seen.ids.length && handedOffSequence.getAsLong() >= seen.sweepAfter)
            {
                swept = seen.ids.length;
                return true;
            }
            return false;
        }

        /** Its thread stopped: nobody waits for it any more. */
        @Override
        public void close()
        {
            acknowledged = Integer.MAX_VALUE;
        }
    }
}
