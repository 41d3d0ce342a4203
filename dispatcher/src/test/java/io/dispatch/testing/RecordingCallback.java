package io.dispatch.testing;

import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what a connector reports, per message id, from any thread; also the connector's context.
 * Counts callbacks per id so that a test can check "exactly one".
 */
public final class RecordingCallback implements DeliveryCallback, ReceiptSink, ConnectorContext
{
    /** One outcome as the connector reported it. */
    public record Outcome(String kind, Reason reason, long retryAfterMs)
    {
        @Override
        public String toString()
        {
            return kind + "(" + reason + (retryAfterMs > 0 ? ", retryAfter=" + retryAfterMs + "ms" : "") + ")";
        }
    }

    public static final Outcome ACCEPTED = new Outcome("accepted", Reason.NONE, 0);

    public final Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    public final Map<Long, DeliveryState> receipts = new ConcurrentHashMap<>();
    public final Map<Long, AtomicInteger> callbacks = new ConcurrentHashMap<>();

    public static Outcome rejected(final Reason reason)
    {
        return new Outcome("rejected", reason, 0);
    }

    public static Outcome failed(final Reason reason, final long retryAfterMs)
    {
        return new Outcome("failed", reason, retryAfterMs);
    }

    @Override
    public void onAccepted(final DeliveryRequest request)
    {
        record(request.messageId(), ACCEPTED);
    }

    @Override
    public void onRejected(final DeliveryRequest request, final Reason reason)
    {
        record(request.messageId(), rejected(reason));
    }

    @Override
    public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        record(request.messageId(), failed(reason, retryAfterMs));
    }

    private void record(final long id, final Outcome outcome)
    {
        callbacks.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        outcomes.put(id, outcome);
    }

    @Override
    public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        receipts.put(messageId, state);
    }

    /** @return the outcome of a message once reported, failing the test after {@code timeoutMs}. */
    public Outcome await(final long messageId, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline)
        {
            final Outcome o = outcomes.get(messageId);
            if (o != null)
            {
                return o;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no outcome for message " + messageId + " within " + timeoutMs + " ms");
    }

    /** Waits until {@code count} messages have an outcome. */
    public void awaitCount(final int count, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (outcomes.size() < count)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("only " + outcomes.size() + " of " + count + " outcomes within " + timeoutMs + " ms");
            }
            Thread.sleep(1);
        }
    }

    @Override
    public String laneName()
    {
        return "push-test";
    }

    @Override
    public ChannelType channel()
    {
        return ChannelType.PUSH;
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
        return StatelessConnectorDir.of(laneName(), this);
    }
}
