package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests admitted on the I/O thread and not yet written, and the code that writes them: control requests
 * (SUBSCRIBE, PING) go out as soon as the session is ready; SUBMIT and STATUS wait for credit, one each. Runs
 * of consecutive submits become one SUBMIT_BATCH (up to {@link ClientConfig#maxBatchSize()} items and the
 * engine's frame cap). Everything a call writes goes into a few pooled buffers and is flushed once.
 * <p>
 * Correlation ids are allocated here, in send order, starting at 1; a batch of n takes n consecutive ids.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the I/O thread. {@code queued} is shared: callers increment it when
 * they offer a credited request, this class decrements it when one leaves the waiting queue.
 */
final class OutboundQueue
{
    /** Write (without flushing) once a buffer holds this much, so a big drain does not build one huge buffer. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final ArrayDeque<Request> control = new ArrayDeque<>();
    private final ArrayDeque<Request> credited = new ArrayDeque<>();
    private final SubmitRequest[] batch;
    private final AtomicInteger queued;
    private long nextCorrelationId = 1;
    /** Requests taken off {@link #credited} by the current {@link #write} call (sent or skipped). */
    private int taken;

    OutboundQueue(final int maxBatchSize, final AtomicInteger queued)
    {
        this.batch = new SubmitRequest[maxBatchSize];
        this.queued = queued;
    }

    void add(final Request request)
    {
        (request.costsCredit() ? credited : control).addLast(request);
    }

    /** Puts a control request ahead of every other (subscription restore after reconnect). */
    void addControlFirst(final Request request)
    {
        control.addFirst(request);
    }

    boolean isEmpty()
    {
        return control.isEmpty() && credited.isEmpty();
    }

    boolean hasCredited()
    {
        return !credited.isEmpty();
    }

    /**
     * Writes what credit and the channel's writability allow, registers each written request in flight and
     * flushes once.
     *
     * @return the credit used.
     */
    int write(final Channel channel, final int credit, final int maxFrameLength, final InFlightRequests inFlight)
    {
        ByteBuf out = null;
        int used = 0;
        boolean wrote = false;
        taken = 0;
        try
        {
            Request request;
            while (channel.isWritable() && (request = control.pollFirst()) != null)
            {
                if (!request.isFinished())
                {
                    out = buffer(channel, out, 64);
                    writeControl(out, request);
                    inFlight.add(request);
                    wrote = true;
                    out = writeIfFull(channel, out);
                }
            }
            while (used < credit && channel.isWritable() && (request = credited.pollFirst()) != null)
            {
                taken++;
                if (request.isFinished())
                {
                    continue;
                }
                out = buffer(channel, out, estimateBytes(credit - used));
                if (request instanceof FrameRequest && ((FrameRequest<?>)request).frameLength() > maxFrameLength)
                {
                    request.fail(new DispatchException(DispatchException.Kind.LOCAL, ErrorCode.FRAME_TOO_LARGE,
                        "frame of " + ((FrameRequest<?>)request).frameLength() + " bytes is above the engine's cap of "
                        + maxFrameLength));
                    continue;
                }
                if (request instanceof FrameRequest)
                {
                    request.correlationId = nextCorrelationId++;
                    ((FrameRequest<?>)request).write(out);
                    inFlight.add(request);
                    used++;
                }
                else
                {
                    used += writeSubmits(out, (SubmitRequest)request, credit - used, maxFrameLength, inFlight);
                }
                wrote = true;
                out = writeIfFull(channel, out);
            }
        }
        finally
        {
            if (taken > 0)
            {
                queued.addAndGet(-taken);
            }
            if (out != null)
            {
                if (out.isReadable())
                {
                    channel.write(out, channel.voidPromise());
                }
                else
                {
                    out.release();
                }
            }
        }
        if (wrote)
        {
            channel.flush();
        }
        return used;
    }

    /**
     * Writes {@code first} and as many directly following submits as fit in one SUBMIT_BATCH.
     *
     * @return the credit used.
     */
    private int writeSubmits(
        final ByteBuf out,
        final SubmitRequest first,
        final int credit,
        final int maxFrameLength,
        final InFlightRequests inFlight)
    {
        final int singleLength = SubmitWriter.submitFrameLength(first.submit);
        if (singleLength > maxFrameLength)
        {
            first.fail(new DispatchException(DispatchException.Kind.LOCAL, ErrorCode.FRAME_TOO_LARGE,
                "SUBMIT frame of " + singleLength + " bytes is above the engine's cap of " + maxFrameLength));
            return 0;
        }
        final int limit = Math.min(batch.length, credit);
        int count = 0;
        batch[count++] = first;
        int frameLength = SubmitWriter.BATCH_OVERHEAD + SubmitWriter.BATCH_ITEM_OVERHEAD + first.submit.encodedLength();
        Request next;
        while (count < limit && (next = credited.peekFirst()) instanceof SubmitRequest)
        {
            final SubmitRequest candidate = (SubmitRequest)next;
            final int itemLength = SubmitWriter.BATCH_ITEM_OVERHEAD + candidate.submit.encodedLength();
            if (frameLength + itemLength > maxFrameLength)
            {
                break;
            }
            credited.pollFirst();
            taken++;
            if (!candidate.isFinished())
            {
                batch[count++] = candidate;
                frameLength += itemLength;
            }
        }

        final long base = nextCorrelationId;
        nextCorrelationId += count;
        if (count == 1)
        {
            SubmitWriter.writeSubmit(out, base, first.submit);
        }
        else
        {
            SubmitWriter.writeBatch(out, base, batch, count);
        }
        for (int i = 0; i < count; i++)
        {
            batch[i].correlationId = base + i;
            inFlight.add(batch[i]);
            batch[i] = null;
        }
        return count;
    }

    private int estimateBytes(final int credit)
    {
        // Typical submits are well under 128 bytes; over-estimating costs pool memory, under-estimating a copy.
        final long items = Math.min(credit, credited.size() + 1L);
        return (int)Math.min(CHUNK_BYTES, Math.max(256, items * 128));
    }

    private void writeControl(final ByteBuf out, final Request request)
    {
        request.correlationId = nextCorrelationId++;
        if (request instanceof SubscribeRequest)
        {
            final SubscribeRequest subscribe = (SubscribeRequest)request;
            if (subscribe.inboundListener != null)
            {
                ByteBufFrames.subscribeInbound(out, request.correlationId, subscribe.resumeAfter);
            }
            else if (subscribe.resumeAfter != SubscribeRequest.LIVE)
            {
                ByteBufFrames.subscribe(out, request.correlationId, subscribe.scope, subscribe.stateMask, subscribe.resumeAfter);
            }
            else
            {
                ByteBufFrames.subscribe(out, request.correlationId, subscribe.scope, subscribe.stateMask);
            }
        }
        else
        {
            // The payload is the send time: PONG echoes it, so the round trip needs no lookup.
            ByteBufFrames.ping(out, request.correlationId, System.nanoTime());
        }
    }

    /** Fails every waiting request whose deadline has passed. */
    void expire(final long nowNs, final DispatchException timeout)
    {
        Request head;
        int removed = 0;
        while ((head = credited.peekFirst()) != null && (head.isFinished() || head.deadlineNs - nowNs <= 0))
        {
            credited.pollFirst();
            removed++;
            head.fail(timeout);
        }
        if (removed > 0)
        {
            queued.addAndGet(-removed);
        }
        // Restored subscriptions jump the queue, so control deadlines are not ordered: scan them all (few).
        for (final Iterator<Request> it = control.iterator(); it.hasNext(); )
        {
            final Request request = it.next();
            if (request.isFinished() || request.deadlineNs - nowNs <= 0)
            {
                it.remove();
                request.fail(timeout);
            }
        }
    }

    /** Fails every waiting request. */
    void failAll(final DispatchException failure)
    {
        Request request;
        while ((request = control.pollFirst()) != null)
        {
            request.fail(failure);
        }
        int removed = 0;
        while ((request = credited.pollFirst()) != null)
        {
            removed++;
            request.fail(failure);
        }
        if (removed > 0)
        {
            queued.addAndGet(-removed);
        }
    }

    private static ByteBuf buffer(final Channel channel, final ByteBuf current, final int initialCapacity)
    {
        return current != null ? current : channel.alloc().ioBuffer(initialCapacity);
    }

    private static ByteBuf writeIfFull(final Channel channel, final ByteBuf out)
    {
        if (out.readableBytes() >= CHUNK_BYTES)
        {
            channel.write(out, channel.voidPromise());
            return null;
        }
        return out;
    }
}
