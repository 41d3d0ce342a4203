package io.dispatch.connector.runtime;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongArrayQueue;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Retry timers of a lane on Agrona's timer wheel, and the backoff that sets them: exponential from
 * {@code baseMs} to {@code maxMs}, with jitter (50–100 % of the step) so a provider outage does not come
 * back as one synchronised wave, and never earlier than the provider's retry-after.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class RetryTimers
{
    private static final long NONE = -1;
    /** The wheel's resolution: a timer fires at the end of the tick its deadline falls in, up to this much late. */
    static final long TICK_MS = 4;

    private final DeadlineTimerWheel wheel;
    /** timer id → message id << 1 | 1 when it returns to the priority queue. Message ids are journal indexes, < 2^62. */
    private final Long2LongHashMap timerToMessage = new Long2LongHashMap(NONE);
    private final SplittableRandom random = new SplittableRandom();
    private final DeadlineTimerWheel.TimerHandler handler = this::onTimer;
    private final LongArrayList ended = new LongArrayList();
    private LongArrayQueue priorityDue;
    private LongArrayQueue bulkDue;

    RetryTimers(final long nowMs)
    {
        wheel = new DeadlineTimerWheel(TimeUnit.MILLISECONDS, nowMs, TICK_MS, 1024);
    }

    /** @return the delay before attempt {@code attempt + 1}, honouring {@code retryAfterMs}. */
    long backoff(final int attempt, final long baseMs, final long maxMs, final long retryAfterMs)
    {
        final long step = Math.min(maxMs, baseMs << Math.min(attempt - 1, 20));
        final long jittered = step / 2 + random.nextLong(step / 2 + 1);
        return Math.max(jittered, retryAfterMs);
    }

    void schedule(final long messageId, final boolean priority, final long atMs)
    {
        timerToMessage.put(wheel.scheduleTimer(atMs), messageId << 1 | (priority ? 1 : 0));
    }

    /** Moves the messages whose retry time has come to the given queues. @return how many. */
    int poll(final long nowMs, final LongArrayQueue priorityQueue, final LongArrayQueue bulkQueue)
    {
        priorityDue = priorityQueue;
        bulkDue = bulkQueue;
        int work = 0;
        int guard = 0;
        while (wheel.timerCount() > 0 && wheel.currentTickTime() <= nowMs && guard++ < 1024)
        {
            work += wheel.poll(nowMs, handler, 4096);
        }
        if (wheel.timerCount() == 0)
        {
            wheel.currentTickTime(nowMs);
        }
        return work;
    }

    /** Ends the waiting messages {@code check} says to end (their campaign was cancelled). @return how many. */
    int endWhere(final LaneQueues.EndCheck check)
    {
        ended.clear();
        timerToMessage.forEachLong((timerId, v) ->
        {
            if (check.tryEnd(v >>> 1, (v & 1) == 1))
            {
                ended.addLong(timerId);
            }
        });
        for (int i = 0; i < ended.size(); i++)
        {
            final long timerId = ended.getLong(i);
            timerToMessage.remove(timerId);
            wheel.cancelTimer(timerId);
        }
        return ended.size();
    }

    int pending()
    {
        return (int)wheel.timerCount();
    }

    private boolean onTimer(final TimeUnit unit, final long nowMs, final long timerId)
    {
        final long v = timerToMessage.remove(timerId);
        if (v != NONE)
        {
            ((v & 1) == 1 ? priorityDue : bulkDue).addLong(v >>> 1);
        }
        return true;
    }
}
