package io.dispatch.ingest;

import io.dispatch.inbound.InboundBody;
import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.CancelResultFlyweight;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.ExplainResultFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.InboundFlyweight;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.NackFlyweight;
import io.dispatch.protocol.OkFlyweight;
import io.dispatch.protocol.ReceiptFlyweight;
import io.dispatch.protocol.StatusResultFlyweight;
import io.dispatch.ring.AnswerSink;
import io.dispatch.stream.StreamSink;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection as the ring and the stream thread see it: owns the connection's outbound queues and encodes every
 * answer in place into them with the protocol's flyweights, then asks the connection's event loop to write
 * ({@link #scheduleDrain()}). It never touches the channel, so no ring thread blocks on, or writes to, a socket.
 * <p>
 * Threads: the post-journal ring thread is the single producer of the answer queue and of the live receipt queue
 * ({@link AnswerSink}); the stream thread is the single producer of the inbound queue and, for a resumed
 * subscription (which gets no live receipts), of the receipt queue ({@link StreamSink}). The {@link SessionHandler}
 * on the event loop opens the queues, sets the subscription, and is the single consumer of every queue.
 */
public final class SessionProxy implements AnswerSink, StreamSink
{
    static final int MAX_ANSWER_FRAME = Frames.STATUS_RESULT_FRAME_LENGTH + 64;
    /** INBOUND frames of the largest size the buffer holds at most; smaller ones fit many more. */
    private static final int INBOUND_BUFFER_FRAMES = 8;

    private final Runnable drainTask;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger droppedReceipts = new AtomicInteger();

    // written by the event loop, read by the producers
    private volatile int ref;
    private volatile int tenantId;
    private volatile byte subscriptionScope = -1;
    private volatile int receiptStateMask = Frames.ALL_STATES;
    private volatile OutboundQueue answers;
    private volatile OutboundQueue receipts;
    private volatile OutboundQueue inbound;
    /** False once the connection closed: the stream thread drops its subscriptions. */
    private volatile boolean open = true;
    /** Set before the connection is registered, so before any producer can see this proxy. */
    private Executor eventLoop;

    // post-journal ring thread only
    private final AckFlyweight ack = new AckFlyweight();
    private final NackFlyweight nack = new NackFlyweight();
    private final ExplainResultFlyweight explain = new ExplainResultFlyweight();
    private final CancelResultFlyweight cancelResult = new CancelResultFlyweight();
    private final StatusResultFlyweight statusResult = new StatusResultFlyweight();
    private final ReceiptFlyweight receipt = new ReceiptFlyweight();
    /** Set while this proxy is in the batch's flush list. */
    private boolean touched;

    // stream thread only
    private final ReceiptFlyweight streamedReceipt = new ReceiptFlyweight();
    private final InboundFlyweight inboundFrame = new InboundFlyweight();

    /** @param drainTask the event loop's drain: writes what the queues hold. */
    public SessionProxy(final Runnable drainTask)
    {
        this.drainTask = drainTask;
    }

    // ---- event loop: set-up, before or while producers run ----

    void eventLoop(final Executor eventLoop)
    {
        this.eventLoop = eventLoop;
    }

    int ref()
    {
        return ref;
    }

    void assignRef(final int ref)
    {
        this.ref = ref;
    }

    void tenantId(final int tenantId)
    {
        this.tenantId = tenantId;
    }

    /** Once authenticated: room for an answer to every credit the client may hold, and some. */
    void openAnswers(final int records)
    {
        answers = new OutboundQueue(records, MAX_ANSWER_FRAME);
    }

    boolean hasReceipts()
    {
        return receipts != null;
    }

    void openReceipts(final int records)
    {
        receipts = new OutboundQueue(records, Frames.RECEIPT_FRAME_LENGTH);
    }

    /** @param mask SUBSCRIBE's state mask: 0 for every state. */
    void subscribe(final byte scope, final int mask)
    {
        receiptStateMask = mask == 0 ? Frames.ALL_STATES : mask;
        subscriptionScope = scope;
    }

    boolean hasInbound()
    {
        return inbound != null;
    }

    void openInbound()
    {
        inbound = new OutboundQueue(INBOUND_BUFFER_FRAMES,
            FrameDescriptor.HEADER_LENGTH + InboundFlyweight.EVENT_OFFSET + InboundBody.MAX_BODY_BYTES);
    }

    void close()
    {
        open = false;
    }

    // ---- event loop: the single consumer ----

    /** @return the answers moved to {@code out}: each gives one credit back. */
    int drainAnswers(final ByteBuf out)
    {
        final OutboundQueue q = answers;
        return q == null ? 0 : q.drainTo(out, Integer.MAX_VALUE);
    }

    /** @return receipts moved to {@code out}, at most {@code limit}; -1 without a receipt subscription. */
    int drainReceipts(final ByteBuf out, final int limit)
    {
        final OutboundQueue q = receipts;
        return q == null ? -1 : q.drainTo(out, limit);
    }

    /** @return the receipts dropped since the last call. */
    int takeDroppedReceipts()
    {
        return droppedReceipts.getAndSet(0);
    }

    void drainInbound(final ByteBuf out, final int limit)
    {
        final OutboundQueue q = inbound;
        if (q != null)
        {
            q.drainTo(out, limit);
        }
    }

    /** @return whether a stream queue still holds frames after a drain bounded them. */
    boolean hasMoreStreamed()
    {
        final OutboundQueue r = receipts;
        final OutboundQueue in = inbound;
        return r != null && !r.isEmpty() || in != null && !in.isEmpty();
    }

    /** The periodic tick: lets idle queues shrink. */
    /** @return whether a queue grew and waits for idle ticks to shrink it. */
    boolean wantsIdleTicks()
    {
        final OutboundQueue a = answers;
        final OutboundQueue r = receipts;
        final OutboundQueue in = inbound;
        return (a != null && a.wantsIdleTicks()) || (r != null && r.wantsIdleTicks()) ||
            (in != null && in.wantsIdleTicks());
    }

    void idleTick()
    {
        final OutboundQueue a = answers;
        if (a != null)
        {
            a.idleTick();
        }
        final OutboundQueue r = receipts;
        if (r != null)
        {
            r.idleTick();
        }
        final OutboundQueue in = inbound;
        if (in != null)
        {
            in.idleTick();
        }
    }

    // ---- any thread ----

    @Override
    public int tenantId()
    {
        return tenantId;
    }

    @Override
    public byte subscriptionScope()
    {
        return subscriptionScope;
    }

    @Override
    public boolean isOpen()
    {
        return open;
    }

    /** Asks the event loop to write what the producers queued; at most one drain is pending at a time. */
    @Override
    public void scheduleDrain()
    {
        final Executor loop = eventLoop;
        if (loop != null && drainScheduled.compareAndSet(false, true))
        {
            loop.execute(drainTask);
        }
    }

    /** Event loop, first thing in a drain: a drain scheduled from now on runs again. */
    void drainStarted()
    {
        drainScheduled.set(false);
    }

    // ---- post-journal ring thread (single producer of the answers and live receipts) ----

    @Override
    public boolean markTouched()
    {
        if (touched)
        {
            return false;
        }
        touched = true;
        return true;
    }

    @Override
    public void flushTouched()
    {
        touched = false;
        scheduleDrain();
    }

    @Override
    public boolean offerAck(final long correlationId, final long messageId, final byte outcome)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.ACK, AckFlyweight.FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        ack.wrap(q.buffer(), index).messageId(messageId).outcome(outcome);
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerNack(final long correlationId, final ErrorCode code, final byte[] detail)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.NACK, NackFlyweight.frameLength(detail.length), correlationId);
        if (index < 0)
        {
            return false;
        }
        nack.wrap(q.buffer(), index).code(code).detail(detail);
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerOk(final long correlationId)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.OK, OkFlyweight.FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerExplain(
        final long correlationId, final byte decision, final byte channel, final boolean priority, final short reason,
        final long at, final int fallback, final byte[] fallbackAddress, final int window, final long windowLastMs)
    {
        final OutboundQueue q = answers;
        final int length = ExplainResultFlyweight.frameLength(fallbackAddress[0] & 0xFF);
        final int index = q.claimFrame(MessageType.EXPLAIN_RESULT, length, correlationId);
        if (index < 0)
        {
            return false;
        }
        explain.wrap(q.buffer(), index).decision(decision).channel(channel).priority(priority).reason(reason).at(at)
            .fallback(fallback).window(window).windowLastMessageMs(windowLastMs).address(fallbackAddress);
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerCancelResult(final long correlationId, final long messageId, final byte result)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.CANCEL_RESULT, CancelResultFlyweight.FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        cancelResult.wrap(q.buffer(), index).messageId(messageId).result(result);
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerStatusResult(
        final long correlationId, final long messageId, final int state, final int attempts, final int reason,
        final long updatedAtMs, final int channel, final int kind)
    {
        final OutboundQueue q = answers;
        final int index = q.claimFrame(MessageType.STATUS_RESULT, StatusResultFlyweight.FRAME_LENGTH, correlationId);
        if (index < 0)
        {
            return false;
        }
        statusResult.wrap(q.buffer(), index).messageId(messageId).state(state).attempts(attempts).reason(reason)
            .updatedAtMs(updatedAtMs).channel(channel).kind(kind);
        q.commit(index);
        return true;
    }

    @Override
    public boolean offerReceipt(
        final long messageId, final int state, final int attempts, final int reason, final long atMs, final int channel,
        final long position)
    {
        final OutboundQueue q = receipts;
        if (q == null || (receiptStateMask & (1 << state)) == 0)
        {
            return false;
        }
        if (!putReceipt(receipt, q, messageId, state, attempts, reason, atMs, channel, position))
        {
            droppedReceipts.incrementAndGet();
        }
        return true;
    }

    // ---- stream thread (single producer of the inbound queue, and of a resumed subscription's receipts) ----

    /** Never dropped: when the buffer is full the stream stops and offers it again later. */
    @Override
    public boolean offerStreamedReceipt(final long messageId, final int state, final int attempts, final int reason,
        final long atMs, final int channel, final long position)
    {
        if ((receiptStateMask & (1 << state)) == 0)
        {
            return true;
        }
        return putReceipt(streamedReceipt, receipts, messageId, state, attempts, reason, atMs, channel, position);
    }

    @Override
    public boolean offerInbound(final long position, final byte[] body, final int length)
    {
        final OutboundQueue q = inbound;
        final int index = q.claimFrame(MessageType.INBOUND,
            FrameDescriptor.HEADER_LENGTH + InboundFlyweight.EVENT_OFFSET + length, 0L);
        if (index < 0)
        {
            return false;
        }
        inboundFrame.wrapForEncode(q.buffer(), index + FrameDescriptor.HEADER_LENGTH)
            .position(position)
            .event(body, length);
        q.commit(index);
        return true;
    }

    private static boolean putReceipt(final ReceiptFlyweight receipt, final OutboundQueue q, final long messageId,
        final int state, final int attempts, final int reason, final long atMs, final int channel, final long position)
    {
        final int index = q.claimFrame(MessageType.RECEIPT, ReceiptFlyweight.FRAME_LENGTH, 0L);
        if (index < 0)
        {
            return false;
        }
        receipt.wrap(q.buffer(), index).messageId(messageId).state(state).attempts(attempts).reason(reason).atMs(atMs)
            .channel(channel).position(position);
        q.commit(index);
        return true;
    }
}
