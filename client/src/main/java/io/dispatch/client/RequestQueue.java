package io.dispatch.client;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Hand-off of requests from any thread to the I/O thread: an intrusive multi-producer, single-consumer linked
 * queue (Vyukov), so offering costs one atomic swap and no node allocation.
 * <p>
 * <b>Threading:</b> {@link #offer} from any thread; {@link #poll} and {@link #isEmpty} from the consumer only.
 * A request may be offered once in its life (its {@code next} field is the link).
 */
final class RequestQueue
{
    private final AtomicReference<Request> tail;
    private Request head;

    RequestQueue()
    {
        final Request stub = new PingRequest();
        head = stub;
        tail = new AtomicReference<>(stub);
    }

    void offer(final Request request)
    {
        final Request previous = tail.getAndSet(request);
        previous.next = request;
    }

    /**
     * @return the oldest request, or null when none is fully linked yet (a producer between its swap and its
     * link makes the queue look empty for a few nanoseconds; {@link #isEmpty} tells the difference).
     */
    Request poll()
    {
        final Request current = head;
        final Request next = current.next;
        if (next == null)
        {
            return null;
        }
        // The consumed node stays as the new stub; unlink the old one so that no chain of requests is retained.
        current.next = null;
        head = next;
        return next;
    }

    /** @return true when no producer has offered anything not yet polled (including ones still linking). */
    boolean isEmpty()
    {
        return tail.get() == head;
    }
}
