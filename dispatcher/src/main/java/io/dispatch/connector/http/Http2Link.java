package io.dispatch.connector.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/2 connection slot of an {@link Http2ClientTransport}: its in-flight permits, the queue of
 * requests waiting for its event loop, and the connection itself, opened on first use and again after a
 * loss or a GOAWAY. Permits cap the requests a caller has on the link; the cap is the configured maximum
 * until the server's SETTINGS say fewer concurrent streams (Netty's stream-buffering encoder holds any
 * excess until streams close, so a lowered limit never fails a request).
 * <p>
 * <b>Threading:</b> {@link #tryAcquire}, {@link #release} and {@link #send} from any thread (the lane
 * thread sends, answers may resend); a send only queues and wakes the event loop once per batch, and the
 * loop writes the batch with one flush. Connection state is touched on the event loop only.
 */
public final class Http2Link
{
    /** After a failed connect, requests fail at once for this long instead of reconnecting per request. */
    static final long RECONNECT_DELAY_MS = 1_000;

    private final Http2ClientTransport transport;
    private final EventLoop loop;
    private final int maxInFlight;
    private final ManyToOneConcurrentArrayQueue<Http2Request> queue;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile int limit;
    private volatile boolean closed;
    // event loop only
    private Http2ClientHandler handler;
    private Channel connecting;
    private long downUntilNs;
    private Throwable downCause;

    Http2Link(final Http2ClientTransport transport, final EventLoop loop, final int maxInFlight)
    {
        this.transport = transport;
        this.loop = loop;
        this.maxInFlight = maxInFlight;
        this.limit = maxInFlight;
        // a permit holder has at most one request queued, so the queue never fills
        this.queue = new ManyToOneConcurrentArrayQueue<>(maxInFlight);
    }

    /** @return true with one permit taken, false when the link is at its stream limit. */
    public boolean tryAcquire()
    {
        int n;
        do
        {
            n = inFlight.get();
            if (n >= limit)
            {
                return false;
            }
        }
        while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    /** Returns a permit taken with {@link #tryAcquire}, once the caller is done with its request. */
    public void release()
    {
        inFlight.decrementAndGet();
    }

    /** Sends a request under a permit the caller holds; exactly one answer or error follows on the event loop. */
    public void send(final Http2Request request)
    {
        if (!queue.offer(request))
        {
            loop.execute(() -> request.onError(new IllegalStateException("more requests than permits"), false));
            return;
        }
        if (drainScheduled.compareAndSet(false, true))
        {
            loop.execute(drainTask);
        }
    }

    public int inFlight()
    {
        return inFlight.get();
    }

    /** @return requests allowed at once: the configured maximum or the server's stream limit, the lower. */
    public int limit()
    {
        return limit;
    }

    // ---- event loop ----

    private void drain()
    {
        drainScheduled.set(false);
        if (handler == null)
        {
            if (closed)
            {
                failQueued(new ClosedChannelException());
            }
            else if (connecting == null)
            {
                if (System.nanoTime() < downUntilNs)
                {
                    failQueued(downCause);
                }
                else
                {
                    connect();
                }
            }
            return; // the new connection drains the queue once it is active
        }
        Http2Request request;
        int written = 0;
        while ((request = queue.poll()) != null)
        {
            handler.write(request);
            written++;
        }
        if (written > 0)
        {
            handler.flush();
        }
    }

    void connect()
    {
        if (!loop.inEventLoop())
        {
            loop.execute(this::connect);
            return;
        }
        if (closed || handler != null || connecting != null)
        {
            return;
        }
        final ChannelFuture f = transport.connect(loop, this);
        connecting = f.channel();
        f.addListener(done ->
        {
            if (!done.isSuccess())
            {
                onDown(f.channel(), done.cause());
            }
        });
    }

    void onActive(final Http2ClientHandler h)
    {
        connecting = null;
        if (closed)
        {
            h.close();
            return;
        }
        handler = h;
        drain();
    }

    /** The server said GOAWAY or stream ids ran out: new requests go to a new connection. */
    void retire(final Http2ClientHandler h)
    {
        if (handler == h)
        {
            handler = null;
            if (!queue.isEmpty())
            {
                drain();
            }
        }
    }

    void serverLimit(final long maxConcurrentStreams)
    {
        limit = (int)Math.max(1, Math.min(maxInFlight, maxConcurrentStreams));
    }

    /**
     * The connection closed.
     *
     * @param usable whether it ever worked (got the server's SETTINGS); if not, the server is treated
     *               as down for {@link #RECONNECT_DELAY_MS}.
     */
    void onInactive(final Http2ClientHandler h, final boolean usable, final Throwable cause)
    {
        if (handler == h)
        {
            handler = null;
        }
        if (!usable)
        {
            onDown(h.channel(), cause);
        }
        else if (!queue.isEmpty())
        {
            drain();
        }
    }

    private void onDown(final Channel channel, final Throwable cause)
    {
        if (connecting == channel)
        {
            connecting = null;
        }
        downUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_DELAY_MS);
        downCause = cause != null ? cause : new ClosedChannelException();
        failQueued(downCause);
    }

    private void failQueued(final Throwable cause)
    {
        Http2Request request;
        while ((request = queue.poll()) != null)
        {
            try
            {
                request.onError(cause, false);
            }
            catch (final RuntimeException ex)
            {
                // a listener bug must not stop the others from getting their answer
            }
        }
    }

    /** Closes the connection; queued and open requests fail. Returns at once. */
    void close()
    {
        closed = true;
        loop.execute(() ->
        {
            if (handler != null)
            {
                handler.close();
            }
            if (connecting != null)
            {
                connecting.close();
            }
            failQueued(new ClosedChannelException());
        });
    }

    /** @return the channel in use, for waiting on its close. Event loop only. */
    Channel channel()
    {
        return handler != null ? handler.channel() : connecting;
    }
}
