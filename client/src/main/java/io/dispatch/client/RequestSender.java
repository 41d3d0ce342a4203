package io.dispatch.client;

import io.dispatch.protocol.FrameDescriptor;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The request path on the I/O thread: admits what the {@link RequestHandoff} drains into the {@link OutboundQueue},
 * and writes it as the credit window and the channel allow, registering each written request in flight. Keeps the
 * window (HELLO_OK's initial credit plus CREDIT grants, less one per credited request written) and the engine's
 * frame cap from HELLO_OK.
 * <p>
 * Writes go only to the channel the conductor's gate names at that moment (the session's channel while it may
 * send, else null); once the conductor {@link #refuse refuses}, every request admitted fails with that reason.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the connection's I/O thread. {@link #availableCredit()} is a volatile view
 * for any thread.
 */
final class RequestSender
{
    private final OutboundQueue outbound;
    private final InFlightRequests inFlight;
    private final AtomicInteger queued;
    private final Supplier<Channel> gate;
    private volatile int creditView;
    private int credit;
    private int maxFrameLength = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    private boolean flushing;
    private boolean flushAgain;
    private DispatchException refusal;

    /**
     * @param queued the count of credited requests offered and not yet written, shared with the hand-off.
     * @param gate   the channel to write to now, or null while requests must wait.
     */
    RequestSender(
        final int maxBatchSize,
        final AtomicInteger queued,
        final InFlightRequests inFlight,
        final Supplier<Channel> gate)
    {
        this.outbound = new OutboundQueue(maxBatchSize, queued);
        this.queued = queued;
        this.inFlight = inFlight;
        this.gate = gate;
    }

    /** Queues a request drained from the hand-off, or fails it when the client refuses requests by now. */
    void admit(final Request request, final long deadlineNs)
    {
        if (request.isFinished() || refusal != null)
        {
            if (request.costsCredit())
            {
                queued.decrementAndGet();
            }
            if (refusal != null)
            {
                request.fail(refusal);
            }
            return;
        }
        request.deadlineNs = deadlineNs;
        outbound.add(request);
    }

    /** Every request admitted from now on fails with this (the client failed or closed). */
    void refuse(final DispatchException failure)
    {
        refusal = failure;
    }

    /** A session started (HELLO_OK): its initial credit and frame cap, u32 fields where negative means no limit. */
    void onSession(final int initialCredit, final int maxFrameLength)
    {
        credit = initialCredit < 0 ? Integer.MAX_VALUE : initialCredit;
        creditView = credit;
        this.maxFrameLength = maxFrameLength < 0 ? Integer.MAX_VALUE :
            Math.max(FrameDescriptor.HEADER_LENGTH, maxFrameLength);
    }

    void onCredit(final long grant)
    {
        credit = (int)Math.min(Integer.MAX_VALUE, credit + grant);
        creditView = credit;
    }

    /** The connection is gone, and its credit with it; waiting requests stay for the next session. */
    void onConnectionLost()
    {
        credit = 0;
        creditView = 0;
    }

    int availableCredit()
    {
        return creditView;
    }

    /**
     * Writes what the gate, the credit and the channel's writability allow.
     *
     * @return false when called from inside a running flush: that one makes another pass instead.
     */
    boolean flush()
    {
        // Netty fires channelWritabilityChanged from inside our own write/flush; writing again from there would
        // spend credit the running pass has used but not yet subtracted. Defer it to another pass instead.
        if (flushing)
        {
            flushAgain = true;
            return false;
        }
        flushing = true;
        try
        {
            do
            {
                flushAgain = false;
                final Channel channel = gate.get();
                if (channel != null)
                {
                    final int used = outbound.write(channel, credit, maxFrameLength, inFlight);
                    if (used > 0)
                    {
                        credit -= used;
                        creditView = credit;
                    }
                }
            }
            while (flushAgain);
        }
        finally
        {
            flushing = false;
        }
        return true;
    }

    boolean isEmpty()
    {
        return outbound.isEmpty();
    }

    /** Queues a SUBSCRIBE for each confirmed subscription ahead of every waiting request (after a reconnect). */
    void restore(final Subscriptions subscriptions, final long deadlineNs)
    {
        subscriptions.restore(outbound, deadlineNs);
    }

    /** Fails every waiting request whose deadline has passed. */
    void expire(final long nowNs, final DispatchException timeout)
    {
        outbound.expire(nowNs, timeout);
    }

    /** Fails every waiting request. */
    void failAll(final DispatchException failure)
    {
        outbound.failAll(failure);
    }
}
