package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caller side of the client: requests offered by any thread cross to the I/O thread here, through an MPSC
 * {@link RequestQueue} and one drain task per batch of offers (not one task per request). A request is refused at
 * once, without crossing, when the client is closing, has failed for good, or already holds
 * {@link ClientConfig#maxQueuedRequests()} credited requests that are not yet written.
 * <p>
 * The drain admits up to {@link #DRAIN_LIMIT} requests into the {@link RequestSender}, then runs the flush it was
 * given, so the I/O thread gets back to reads between large bursts.
 * <p>
 * <b>Threading:</b> {@link #offer}, {@link #requestClose} and {@link #queuedRequests} from any thread; the drain,
 * {@link #admitWaiting}, {@link #admitAll} and {@link #refuse} on the I/O thread only.
 */
final class RequestHandoff
{
    /** Most requests admitted per drain task before the I/O thread gets to reads again. */
    static final int DRAIN_LIMIT = 16_384;

    private final RequestQueue queue = new RequestQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger queued;
    private final Executor loop;
    private final RequestSender sender;
    private final Runnable afterDrain;
    private final Runnable drainTask = this::drain;
    private final int maxQueuedRequests;
    private final long requestTimeoutNs;
    private final DispatchException queueFull;
    private final DispatchException closedBeforeOffer = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "client is closed");
    private final DispatchException closedWhileOffering = new DispatchException(
        DispatchException.Kind.CLOSED, ErrorCode.INTERNAL,
        "client closed while the request was offered; it may have been sent, resubmit with the same idempotency key");
    private volatile boolean closeRequested;
    private volatile DispatchException terminalFailure;

    /**
     * @param queued     the count of credited requests offered and not yet written, shared with the sender.
     * @param afterDrain what the I/O thread runs after each drain (the conductor's flush).
     */
    RequestHandoff(
        final ClientConfig config,
        final Executor loop,
        final AtomicInteger queued,
        final RequestSender sender,
        final Runnable afterDrain)
    {
        this.loop = loop;
        this.queued = queued;
        this.sender = sender;
        this.afterDrain = afterDrain;
        this.maxQueuedRequests = config.maxQueuedRequests();
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.queueFull = new DispatchException(DispatchException.Kind.LOCAL, ErrorCode.BACKPRESSURE,
            "more than " + maxQueuedRequests + " requests waiting for credit (maxQueuedRequests)");
    }

    /** Hands a request to the I/O thread, or fails it at once (closed, dead, local queue full). Any thread. */
    void offer(final Request request)
    {
        if (closeRequested)
        {
            request.fail(closedBeforeOffer);
            return;
        }
        final DispatchException dead = terminalFailure;
        if (dead != null)
        {
            request.fail(dead);
            return;
        }
        if (request.costsCredit() && queued.incrementAndGet() > maxQueuedRequests)
        {
            queued.decrementAndGet();
            request.fail(queueFull);
            return;
        }
        queue.offer(request);
        // Close may have drained the hand-off already: the CAS in fail() makes whichever side comes last a no-op.
        if (!wake() || closeRequested)
        {
            request.fail(closedWhileOffering);
        }
    }

    /** From now on every offer fails at once as closed. Any thread. */
    void requestClose()
    {
        closeRequested = true;
    }

    /** From now on every offer fails at once with this (connection lost and reconnect off). I/O thread. */
    void refuse(final DispatchException failure)
    {
        terminalFailure = failure;
    }

    int queuedRequests()
    {
        return Math.max(0, queued.get());
    }

    /** Admits every request fully linked in the queue now, with the usual deadline (the start of close). */
    void admitWaiting()
    {
        Request request;
        while ((request = queue.poll()) != null)
        {
            sender.admit(request, System.nanoTime() + requestTimeoutNs);
        }
    }

    /**
     * Admits every request offered so far, waiting out producers between their swap and their link (the end of
     * close: the sender refuses them all by then).
     */
    void admitAll()
    {
        while (!queue.isEmpty())
        {
            final Request request = queue.poll();
            if (request == null)
            {
                // A producer is between its swap and its link: it completes in a few instructions.
                Thread.onSpinWait();
                continue;
            }
            sender.admit(request, 0L);
        }
    }

    private boolean wake()
    {
        if (drainScheduled.get() || !drainScheduled.compareAndSet(false, true))
        {
            return true;
        }
        try
        {
            loop.execute(drainTask);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    private void drain()
    {
        drainScheduled.set(false);
        final long deadlineNs = System.nanoTime() + requestTimeoutNs;
        Request request;
        int count = 0;
        while (count++ < DRAIN_LIMIT && (request = queue.poll()) != null)
        {
            sender.admit(request, deadlineNs);
        }
        if (!queue.isEmpty())
        {
            wake();
        }
        afterDrain.run();
    }
}
