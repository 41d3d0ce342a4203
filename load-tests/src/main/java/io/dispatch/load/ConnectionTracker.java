package io.dispatch.load;

import io.dispatch.client.DispatchException;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Everything measured on one connection: counters per phase, the ack and end-to-end latency recorders
 * and the receipt correlation. Latency is always taken from the message's intended send time.
 * <p>
 * <b>Threading:</b>
 * <ul>
 *   <li>{@link #onSubmitting}, {@link #onSubmitFailed}, {@link #onAck}, {@link #onReceipt},
 *       {@link #onReceiptsDropped}: the connection's event loop only, which runs both its client and its
 *       {@link LoopSender} (the recorders, the correlator and the per-class ACK counts are single-writer).</li>
 *   <li>{@link #onNack}, {@link #onClientFailure}: any thread (only atomic counters): the client reports
 *       a request it refuses at once on the submitting thread.</li>
 *   <li>Getters and interval swaps: the reporter thread.</li>
 * </ul>
 */
public final class ConnectionTracker
{
    /** Completing receipts held while their ACK is still being processed: ample, and bounded. */
    static final int EARLY_RECEIPT_CAPACITY = 65_536;

    private final int connection;
    private final RunWindow window;
    private final NanoClock clock;
    private final PhaseCounters warmup = new PhaseCounters();
    private final PhaseCounters measured = new PhaseCounters();
    private final LatencyRecorder[] ackLatency = recorders();
    private final LatencyRecorder[] e2eLatency = recorders();
    private final ReceiptCorrelator correlator = new ReceiptCorrelator(EARLY_RECEIPT_CAPACITY);
    private final AtomicLong acksInMeasuredPeriod = new AtomicLong();
    private final AtomicLong receipts = new AtomicLong();
    private final AtomicLongArray receiptsByState = new AtomicLongArray(16);
    private final AtomicLong receiptsDropped = new AtomicLong();
    /** ACKs per class, both phases: which classes this connection carried (connections.json). */
    private final AtomicLongArray ackedByClass = new AtomicLongArray(MessageClasses.COUNT);
    private volatile long pendingE2e;

    public ConnectionTracker(final int connection, final RunWindow window, final NanoClock clock)
    {
        this.connection = connection;
        this.window = window;
        this.clock = clock;
    }

    private static LatencyRecorder[] recorders()
    {
        final LatencyRecorder[] r = new LatencyRecorder[MessageClasses.COUNT];
        for (int i = 0; i < r.length; i++)
        {
            r[i] = new LatencyRecorder();
        }
        return r;
    }

    public int connection()
    {
        return connection;
    }

    /**
     * Packs a message's class with its intended time for the correlator: the offset from the run's start
     * (never negative) shifted left, class in the low two bits. Exact, and never one of the correlator's
     * negative markers.
     */
    private long pack(final long intendedNs, final int classIndex)
    {
        return ((intendedNs - window.startNs()) << 2) | classIndex;
    }

    private PhaseCounters phase(final long intendedNs)
    {
        return window.isMeasured(intendedNs) ? measured : warmup;
    }

    /** Counted before the submit call because its ACK may be handled before the call returns. */
    public void onSubmitting(final long intendedNs)
    {
        phase(intendedNs).sent.incrementAndGet();
    }

    public void onSubmitFailed(final long intendedNs)
    {
        final PhaseCounters p = phase(intendedNs);
        p.sent.decrementAndGet();
        p.sendFailed.incrementAndGet();
    }

    /** An informational message's ACK (tests). */
    public void onAck(final long intendedNs, final long messageId, final boolean duplicate)
    {
        onAck(intendedNs, 0, messageId, duplicate);
    }

    public void onAck(final long intendedNs, final int classIndex, final long messageId, final boolean duplicate)
    {
        final long nowNs = clock.nanoTime();
        final boolean isMeasured = window.isMeasured(intendedNs);
        final PhaseCounters p = isMeasured ? measured : warmup;
        p.acked.incrementAndGet();
        ackedByClass.lazySet(classIndex, ackedByClass.get(classIndex) + 1);
        if (window.inMeasuredPeriod(nowNs))
        {
            acksInMeasuredPeriod.incrementAndGet();
        }
        if (isMeasured)
        {
            ackLatency[classIndex].recordNs(intendedNs, nowNs);
        }
        if (duplicate)
        {
            // The id is the original message's: its receipts belong to the original submit.
            p.duplicates.incrementAndGet();
            return;
        }
        final long packed = pack(intendedNs, classIndex);
        final long earlyReceiptNs = correlator.onAcked(messageId, packed);
        if (earlyReceiptNs != ReceiptCorrelator.NONE)
        {
            completeE2e(packed, earlyReceiptNs);
        }
        pendingE2e = correlator.pendingE2e();
    }

    public void onNack(final long intendedNs, final ErrorCode code)
    {
        phase(intendedNs).onNack(code);
    }

    public void onClientFailure(final long intendedNs, final DispatchException.Kind kind)
    {
        phase(intendedNs).onClientFailure(kind);
    }

    public void onReceipt(final long messageId, final DeliveryState state)
    {
        receipts.incrementAndGet();
        if (state == null)
        {
            return;
        }
        receiptsByState.incrementAndGet(state.code());
        if (state != DeliveryState.PROVIDER_ACCEPTED && !state.isTerminal())
        {
            return;
        }
        final long nowNs = clock.nanoTime();
        // LoadTest subscribes without DELIVERED (it ends no e2e sample): PROVIDER_ACCEPTED is the last receipt
        final long packed = correlator.onCompletingReceipt(messageId, true, nowNs);
        if (packed != ReceiptCorrelator.NONE)
        {
            completeE2e(packed, nowNs);
            pendingE2e = correlator.pendingE2e();
        }
    }

    public void onReceiptsDropped(final int count)
    {
        receiptsDropped.addAndGet(count);
    }

    private void completeE2e(final long packed, final long receiptNs)
    {
        final long intendedNs = (packed >>> 2) + window.startNs();
        final boolean isMeasured = window.isMeasured(intendedNs);
        (isMeasured ? measured : warmup).e2eCompleted.incrementAndGet();
        if (isMeasured)
        {
            e2eLatency[(int)(packed & 3)].recordNs(intendedNs, receiptNs);
        }
    }

    public PhaseCounters warmup() { return warmup; }
    public PhaseCounters measured() { return measured; }
    /** @return ack latency of one class ({@link MessageClasses} index). */
    public LatencyRecorder ackLatency(final int classIndex) { return ackLatency[classIndex]; }
    public LatencyRecorder e2eLatency(final int classIndex) { return e2eLatency[classIndex]; }
    public long acksInMeasuredPeriod() { return acksInMeasuredPeriod.get(); }
    public long receipts() { return receipts.get(); }
    /** @return ACKs of one class ({@link MessageClasses} index), warm-up included. */
    public long acked(final int classIndex) { return ackedByClass.get(classIndex); }
    public long receiptsDropped() { return receiptsDropped.get(); }

    public long receipts(final DeliveryState state)
    {
        return receiptsByState.get(state.code());
    }

    /** @return messages sent (both phases) with no outcome yet (ACK, NACK or client-side failure). */
    public long unanswered()
    {
        // Answers first: read after sent they could include an ACK for a submit not yet counted.
        final long answered = warmup.acked() + warmup.rejected() + warmup.clientFailed() +
            measured.acked() + measured.rejected() + measured.clientFailed();
        return Math.max(0, warmup.sent() + measured.sent() - answered);
    }

    /** @return acked messages whose completing receipt has not arrived (as last published). */
    public long pendingE2e()
    {
        return pendingE2e;
    }
}
