package io.dispatch.connector.smpp;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.RecordLog;
import io.dispatch.connector.runtime.JournalRecordLog;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the runtime around a connector: builds requests, records every callback and receipt, and
 * fails the test on a second callback for the same send.
 */
final class CapturingLane implements ConnectorContext, ReceiptSink, DeliveryCallback
{
    /** One callback: ACCEPTED, REJECTED or FAILED. */
    record Outcome(long messageId, String kind, Reason reason)
    {
    }

    /** One receipt reported through the sink. */
    record Receipt(long messageId, DeliveryState state, Reason reason)
    {
    }

    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();
    private final Map<Long, AtomicInteger> callbacks = new ConcurrentHashMap<>();
    private final AtomicInteger slots = new AtomicInteger();
    private final Path dataDir;
    private volatile String duplicate;

    /** @param dataDir the connector's durable directory (its receipt correlation log goes there). */
    CapturingLane(final Path dataDir)
    {
        this.dataDir = dataDir;
    }

    DeliveryRequest request(final long messageId, final String recipient, final String text)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", recipient, null, text, null);
        final byte[] body = new byte[n];
        b.readBytes(body);
        final DeliveryRequest r = new DeliveryRequest(slots.getAndIncrement());
        final long now = System.currentTimeMillis();
        r.fill(messageId, 1, "demo", MessageKind.INFORMATIONAL, ChannelType.SMS, now, now + 3_600_000, body, n);
        return r;
    }

    Outcome awaitOutcome() throws InterruptedException
    {
        final Outcome o = outcomes.poll(20, TimeUnit.SECONDS);
        if (o == null)
        {
            throw new AssertionError("no connector callback within 20 s");
        }
        return o;
    }

    Receipt awaitReceipt() throws InterruptedException
    {
        final Receipt r = receipts.poll(20, TimeUnit.SECONDS);
        if (r == null)
        {
            throw new AssertionError("no receipt within 20 s");
        }
        return r;
    }

    /** @return the next receipt if one arrives within {@code ms}, else null. */
    Receipt pollReceipt(final long ms) throws InterruptedException
    {
        return receipts.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** @return a description of the first send that got a second callback, or null. */
    String duplicateCallback()
    {
        return duplicate;
    }

    private void record(final DeliveryRequest request, final String kind, final Reason reason)
    {
        if (callbacks.computeIfAbsent(request.messageId(), k -> new AtomicInteger()).incrementAndGet() > 1
            && duplicate == null)
        {
            duplicate = "message " + request.messageId() + " got a second callback " + kind;
        }
        outcomes.add(new Outcome(request.messageId(), kind, reason));
    }

    /** Forgets callback counts, for a test that sends the same id again (as the runtime does on retry). */
    void retrying(final long messageId)
    {
        callbacks.remove(messageId);
    }

    /** What the connector's {@link #inbound()} hands MOs to; refuses everything until a test sets one. */
    volatile io.dispatch.connector.InboundSink inbound = io.dispatch.connector.InboundSink.NONE;

    @Override
    public io.dispatch.connector.InboundSink inbound()
    {
        return inbound;
    }

    @Override
    public void onAccepted(final DeliveryRequest request)
    {
        record(request, "ACCEPTED", Reason.NONE);
    }

    @Override
    public void onRejected(final DeliveryRequest request, final Reason reason)
    {
        record(request, "REJECTED", reason);
    }

    @Override
    public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        record(request, "FAILED", reason);
    }

    @Override
    public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        receipts.add(new Receipt(messageId, state, reason));
    }

    @Override
    public String laneName()
    {
        return "sms-test";
    }

    @Override
    public ChannelType channel()
    {
        return ChannelType.SMS;
    }

    @Override
    public EpochClock clock()
    {
        return SystemEpochClock.INSTANCE;
    }

    @Override
    public ReceiptSink receipts()
    {
        return this;
    }

    @Override
    public Path dataDir()
    {
        return dataDir;
    }

    /** The engine's record logs, as a lane gives them. */
    @Override
    public RecordLog.Opener recordLogs()
    {
        return JournalRecordLog::open;
    }
}
