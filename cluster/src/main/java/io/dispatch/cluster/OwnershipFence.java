package io.dispatch.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongPredicate;

/**
 * Whether this node may still hand a message to a provider: the lanes ask it just before each send
 * ({@code ClusterHooks#mayDispatch}). A message may be sent only while the partition it was fed from is owned in the
 * same ownership epoch and sending is on: a partition lost (fenced by the group) stops its sends at once; one revoked
 * stops them, then the feeder waits for the sends already at a provider ({@link #inFlight}) before it lets go. A
 * message this node did not feed in the current epoch (recovered from its journal after a restart, or fed before the
 * partition moved away and back) is never sent from here: the partition's owner sends it from the cluster log.
 * <p>
 * Beside that, a lease ({@link #held}): a node paused past the group's session timeout has been fenced by the group
 * but does not know it when it wakes; its lanes hold every send until a commit the group accepts renews the lease,
 * and its consumer meanwhile learns of the loss and releases the partitions.
 * <p>
 * Per partition: {@code epoch << 1 | sending}, 0 when not owned. Written by the feeder thread; read by the lanes and
 * the journal thread.
 */
final class OwnershipFence implements LongPredicate
{
    private final LiveMessages live;
    private final AtomicIntegerArray state;
    private final AtomicIntegerArray inFlight;
    private final long leaseNs;
    /** Sends are held from this instant (System.nanoTime) until the group confirms this node's membership again. */
    private volatile long leaseUntilNs;
    private volatile int owning;

    /**
     * @param leaseMs how long after the group last confirmed this node's membership (a commit it accepted) the node
     *                still sends: below the broker's session timeout, so a node paused past it (and fenced) holds its
     *                sends when it wakes until it learns it lost its partitions.
     */
    OwnershipFence(final LiveMessages live, final int partitions, final long leaseMs)
    {
        this.live = live;
        this.leaseNs = TimeUnit.MILLISECONDS.toNanos(leaseMs);
        this.leaseUntilNs = System.nanoTime();
        this.state = new AtomicIntegerArray(partitions);
        this.inFlight = new AtomicIntegerArray(partitions);
    }

    /** Lane thread, before a send: true counts the send in flight until its outcome is journaled. */
    @Override
    public boolean test(final long messageId)
    {
        final long meta = live.meta(messageId);
        if (meta == LiveMessages.NONE)
        {
            return false;
        }
        final int partition = (int)(meta >>> 32);
        final int epoch = (int)meta;
        // counted before the check, the feeder sets the state before it reads the count: one of the two sees the other
        inFlight.incrementAndGet(partition);
        if (state.get(partition) == (epoch << 1 | 1))
        {
            return true;
        }
        inFlight.decrementAndGet(partition);
        return false;
    }

    /**
     * For the lanes ({@code ClusterHooks#holdDispatch}): true while the node owns partitions and the lease has run out.
     * A node owning none has nothing of the cluster's to send; its own campaigns' messages need no lease.
     */
    boolean held()
    {
        return owning > 0 && System.nanoTime() - leaseUntilNs > 0;
    }

    /** How many partitions the node owns now (feeder thread). */
    void owning(final int partitions)
    {
        owning = partitions;
    }

    /** The group confirmed the membership as of {@code confirmedAtNs} (when the confirmed request was sent). */
    void renew(final long confirmedAtNs)
    {
        final long until = confirmedAtNs + leaseNs;
        if (until - leaseUntilNs > 0)
        {
            leaseUntilNs = until; // the feeder thread only
        }
    }

    int partitions()
    {
        return state.length();
    }

    void own(final int partition, final int epoch)
    {
        state.set(partition, epoch << 1 | 1);
    }

    void stopSending(final int partition)
    {
        state.set(partition, state.get(partition) & ~1);
    }

    void release(final int partition)
    {
        state.set(partition, 0);
    }

    /**
     * Whether campaigns fan out over the partition here: owned with sending on (a hand-over turns sending off first).
     */
    boolean fansOut(final int partition)
    {
        return (state.get(partition) & 1) != 0;
    }

    /** @return the epoch the partition is owned in, 0 when it is not owned. */
    int epoch(final int partition)
    {
        return state.get(partition) >>> 1;
    }

    /** A send counted by {@link #test} has its outcome (journal thread). */
    void sendResolved(final int partition)
    {
        inFlight.decrementAndGet(partition);
    }

    int inFlight(final int partition)
    {
        return inFlight.get(partition);
    }
}
