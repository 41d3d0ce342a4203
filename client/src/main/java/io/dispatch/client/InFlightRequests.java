package io.dispatch.client;

import java.util.ArrayDeque;

/**
 * Requests sent and not yet answered: a map by correlation id for answers, plus a send-order deque for
 * timeouts. Answered requests are dropped from the deque lazily, when they reach its head, so answering is
 * O(1) and the timeout scan only looks at the oldest entries.
 * <p>
 * Deadlines are almost monotonic in send order (control requests overtake queued submits); a request behind
 * a later deadline times out at most that much late.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the I/O thread.
 */
final class InFlightRequests
{
    private static final int COMPACT_SLACK = 4096;

    private final LongRequestMap byCorrelationId = new LongRequestMap(1024);
    private final ArrayDeque<Request> bySendOrder = new ArrayDeque<>(1024);

    void add(final Request request)
    {
        byCorrelationId.put(request.correlationId, request);
        bySendOrder.addLast(request);
    }

    /** @return the request answered by this correlation id, or null when unknown (timed out, or a stray). */
    Request remove(final long correlationId)
    {
        return byCorrelationId.remove(correlationId);
    }

    /** @return the number of requests still awaiting an answer. */
    int size()
    {
        return byCorrelationId.size();
    }

    /** Fails every request whose deadline has passed, and drops answered ones from the send order. */
    void expire(final long nowNs, final DispatchException timeout)
    {
        Request head;
        while ((head = bySendOrder.peekFirst()) != null)
        {
            if (!head.isFinished() && head.deadlineNs - nowNs > 0)
            {
                break;
            }
            bySendOrder.pollFirst();
            if (!head.isFinished())
            {
                byCorrelationId.remove(head.correlationId);
                head.fail(timeout);
            }
        }
        // One request left unanswered at the head would otherwise pin every later, answered one (and its
        // message) until it times out: compact once answered entries outnumber the live ones.
        if (bySendOrder.size() > 2 * byCorrelationId.size() + COMPACT_SLACK)
        {
            bySendOrder.removeIf(Request::isFinished);
        }
    }

    /** @return entries in the send order, answered or not (for tests). */
    int tracked()
    {
        return bySendOrder.size();
    }

    /** Fails every request still awaiting an answer and forgets them all. */
    void failAll(final DispatchException failure)
    {
        Request request;
        while ((request = bySendOrder.pollFirst()) != null)
        {
            request.fail(failure);
        }
        byCorrelationId.clear();
    }
}
