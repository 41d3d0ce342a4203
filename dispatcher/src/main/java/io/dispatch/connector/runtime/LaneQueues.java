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
    /** Decides, on the lane thread, whether a held message is past its TTL or fallback deadline (and ends or moves it). */
    interface Overdue
    {
        boolean endIfOverdue(long messageId, boolean priority);
    }

    static final long NONE = -1;
    private static final int MAX_ENDED_PER_CHECK = 4096;
    private static final int MAX_REDO_CHECKED = 1024;

    private final LongSpscQueue priority;
    private final LongSpscQueue bulk;
    private final LongArrayQueue priorityRedo = new LongArrayQueue(1024, NONE);
    private final LongArrayQueue bulkRedo = new LongArrayQueue(1024, NONE);

    LaneQueues(final int capacity)
    {
        // admission can overshoot capacity by the number of ingest threads racing; keep slack
        priority = new LongSpscQueue(capacity + 1024);
        bulk = new LongSpscQueue(capacity + 1024);
    }

    /** Hand-off stage. @return false when full (admission should make that impossible). */
    boolean offer(final long messageId, final boolean isPriority)
    {
        return isPriority ? priority.offer(messageId) : bulk.offer(messageId);
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
        return isPriority
            ? (priorityRedo.isEmpty() ? priority.poll(NONE) : priorityRedo.pollLong())
            : (bulkRedo.isEmpty() ? bulk.poll(NONE) : bulkRedo.pollLong());
    }

    /**
     * Ends or moves held messages that are overdue: every entry of the redo queues (not in acceptance
     * order), and the fresh queues from the head until the first one that is not due (they are in
     * acceptance order). @return how many ended or moved.
     */
    int endOverdue(final Overdue overdue)
    {
        return endOverdueInRedo(priorityRedo, true, overdue) + endOverdueInRedo(bulkRedo, false, overdue)
            + endOverdueAtHead(priority, true, overdue) + endOverdueAtHead(bulk, false, overdue);
    }

    private static int endOverdueAtHead(final LongSpscQueue queue, final boolean isPriority, final Overdue overdue)
    {
        int ended = 0;
        for (long id = queue.peek(NONE); id != NONE && ended < MAX_ENDED_PER_CHECK; id = queue.peek(NONE))
        {
            if (!overdue.endIfOverdue(id, isPriority))
            {
                break;
            }
            queue.poll(NONE);
            ended++;
        }
        return ended;
    }

    private static int endOverdueInRedo(final LongArrayQueue queue, final boolean isPriority, final Overdue overdue)
    {
        int ended = 0;
        for (int n = Math.min(queue.size(), MAX_REDO_CHECKED); n > 0; n--)
        {
            final long id = queue.pollLong();
            if (overdue.endIfOverdue(id, isPriority))
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

    int priorityDepth()
    {
        return priority.size();
    }

    int bulkDepth()
    {
        return bulk.size();
    }
}
