package io.dispatch.connector.runtime;

import org.agrona.collections.LongArrayQueue;

/**
 * The message ids a lane holds, by class: fresh priority (informational, auth) and bulk (marketing)
 * queues filled by the hand-off stage, and lane-thread redo queues for retries that came due,
 * throttled sends and messages fallen back from another lane. Redo entries are older than fresh ones,
 * so each class takes its redo queue first.
 * <p>
 * Threading: {@link #offer} from the hand-off stage (one producer per fresh queue); the rest on the
 * lane thread; depth gauges from any thread.
 */
final class LaneQueues
{
    /**
     * Decides, on the lane thread, whether a held message stops waiting (past its TTL or fallback deadline, or its
     * campaign cancelled), and ends or moves it. @return true when it no longer belongs in the queue.
     */
    interface EndCheck
    {
        boolean tryEnd(long messageId, boolean priority);
    }

    static final long NONE = -1;
    private static final int MAX_ENDED_PER_CHECK = 4096;
    private static final int MAX_REDO_CHECKED = 1024;

    private final LongSpscQueue priority;
    private final LongSpscQueue bulk;
    private final LongArrayQueue priorityRedo = new LongArrayQueue(1024, NONE);
    private final LongArrayQueue bulkRedo = new LongArrayQueue(1024, NONE);
    /** A sweep in progress: bulk entries still to look at, in the redo then the fresh queue. */
    private int redoToSweep;
    private int freshToSweep;
    private long takenStamp;
    /** Redo depths as of the lane's last duty cycle, for the gauges (a sweep moves fresh bulk entries there). */
    private volatile int priorityRedoDepth;
    private volatile int bulkRedoDepth;

    LaneQueues(final int capacity)
    {
        // admission can overshoot capacity by the number of ingest threads racing; keep slack
        priority = new LongSpscQueue(capacity + 1024);
        bulk = new LongSpscQueue(capacity + 1024);
    }

    /**
     * Hand-off stage. @param handedOffNs when the ring handed the message over (System.nanoTime()), 0 for not
     * measured. @return false when full (admission should make that impossible).
     */
    boolean offer(final long messageId, final boolean isPriority, final long handedOffNs)
    {
        return isPriority ? priority.offer(messageId, handedOffNs) : bulk.offer(messageId, handedOffNs);
    }

    void redo(final long messageId, final boolean isPriority)
    {
        (isPriority ? priorityRedo : bulkRedo).addLong(messageId);
    }

    LongArrayQueue priorityRedo()
    {
        return priorityRedo;
    }

    LongArrayQueue bulkRedo()
    {
        return bulkRedo;
    }

    boolean hasPriority()
    {
        return !priorityRedo.isEmpty() || priority.size() > 0;
    }

    boolean hasBulk()
    {
        return !bulkRedo.isEmpty() || bulk.size() > 0;
    }

    long take(final boolean isPriority)
    {
        final LongSpscQueue fresh = isPriority ? priority : bulk;
        final LongArrayQueue redo = isPriority ? priorityRedo : bulkRedo;
        if (redo.isEmpty())
        {
            final long id = fresh.poll(NONE);
            takenStamp = id == NONE ? 0 : fresh.polledStamp();
            return id;
        }
        takenStamp = 0;
        return redo.pollLong();
    }

    /**
     * The hand-off time of the message the last {@link #take} returned, 0 when it came from a redo queue (a retry,
     * a throttled send, a message held for its recipient's order, a fallback): only a first hand-off is timed.
     */
    long takenStamp()
    {
        return takenStamp;
    }

    /**
     * Ends or moves held messages that are overdue: every entry of the redo queues (not in acceptance
     * order), and the fresh queues from the head until the first one that is not due (they are in
     * acceptance order). @return how many ended or moved.
     */
    int endOverdue(final EndCheck overdue)
    {
        return endOverdueInRedo(priorityRedo, true, overdue) + endOverdueInRedo(bulkRedo, false, overdue)
            + endOverdueAtHead(priority, true, overdue) + endOverdueAtHead(bulk, false, overdue);
    }

    private static int endOverdueAtHead(final LongSpscQueue queue, final boolean isPriority, final EndCheck overdue)
    {
        int ended = 0;
        for (long id = queue.peek(NONE); id != NONE && ended < MAX_ENDED_PER_CHECK; id = queue.peek(NONE))
        {
            if (!overdue.tryEnd(id, isPriority))
            {
                break;
            }
            queue.poll(NONE);
            ended++;
        }
        return ended;
    }

    private static int endOverdueInRedo(final LongArrayQueue queue, final boolean isPriority, final EndCheck overdue)
    {
        int ended = 0;
        for (int n = Math.min(queue.size(), MAX_REDO_CHECKED); n > 0; n--)
        {
            final long id = queue.pollLong();
            if (overdue.tryEnd(id, isPriority))
            {
                ended++;
            }
            else
            {
                queue.addLong(id);
            }
        }
        return ended;
    }

    /**
     * Starts a pass over every bulk message held now, continued by {@link #sweepBulk}: a campaign was cancelled,
     * and campaign messages are marketing, so they wait only in the bulk queues.
     */
    void startBulkSweep()
    {
        redoToSweep = bulkRedo.size();
        freshToSweep = bulk.size();
    }

    /**
     * Looks at up to {@code max} messages of the pass; {@code check} ends some, the others stay. The lane can take
     * from the fresh queue only at its head, so the kept ones move to the redo queue, which is taken first: their
     * order is kept. @return how many were looked at.
     */
    int sweepBulk(final EndCheck check, final int max)
    {
        int n = 0;
        for (; n < max && redoToSweep > 0; n++, redoToSweep--)
        {
            final long id = bulkRedo.pollLong();
            if (id == NONE)
            {
                redoToSweep = 0; // sent meanwhile
                break;
            }
            if (!check.tryEnd(id, false))
            {
                bulkRedo.addLong(id);
            }
        }
        for (; n < max && freshToSweep > 0; n++, freshToSweep--)
        {
            final long id = bulk.poll(NONE);
            if (id == NONE)
            {
                freshToSweep = 0;
                break;
            }
            if (!check.tryEnd(id, false))
            {
                bulkRedo.addLong(id);
            }
        }
        return n;
    }

    /** Lane thread, once per duty cycle: makes the redo depths visible to {@link #priorityDepth} and {@link #bulkDepth}. */
    void publishDepths()
    {
        if (priorityRedoDepth != priorityRedo.size())
        {
            priorityRedoDepth = priorityRedo.size();
        }
        if (bulkRedoDepth != bulkRedo.size())
        {
            bulkRedoDepth = bulkRedo.size();
        }
    }

    int priorityDepth()
    {
        return priority.size() + priorityRedoDepth;
    }

    int bulkDepth()
    {
        return bulk.size() + bulkRedoDepth;
    }
}
