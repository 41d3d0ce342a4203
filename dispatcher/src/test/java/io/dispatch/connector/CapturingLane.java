package io.dispatch.connector;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.StatelessConnectorDir;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the runtime lane when a connector is tested on its own: builds {@link DeliveryRequest}s
 * from SUBMIT bodies and records every callback and receipt in arrival order, checking that each send
 * gets exactly one outcome.
 */
public final class CapturingLane implements ConnectorContext, DeliveryCallback, ReceiptSink
{
    /** One callback or receipt. {@code kind} is ACCEPTED, REJECTED, FAILED or RECEIPT. */
    public record Event(String kind, long messageId, Reason reason, long retryAfterMs, DeliveryState state)
    {
    }

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> violations = new ArrayList<>();
    private final java.util.Set<Long> outstanding = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile EpochClock clock = SystemEpochClock.INSTANCE;
    private volatile Path dataDir;
    private volatile InboundSink inbound = InboundSink.NONE;
    private final ChannelType channel;

    public CapturingLane(final ChannelType channel)
    {
        this.channel = channel;
    }

    /** Gives the connector a real durable directory (for connectors that keep state there). */
    public CapturingLane dataDir(final Path dir)
    {
        this.dataDir = dir;
        return this;
    }

    /** Replaces the clock the connector sees (e.g. a skewed one). */
    public CapturingLane clock(final EpochClock clock)
    {
        this.clock = clock;
        return this;
    }

    public static DeliveryRequest request(
        final long messageId, final MessageKind kind, final String recipient, final String template, final String text,
        final Map<String, String> vars)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, kind, ChannelType.CHAT, 0, "", recipient,
            template == null ? "" : template, text == null ? "" : text, vars);
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final DeliveryRequest request = new DeliveryRequest((int)(messageId & 0xFFFF));
        request.fill(messageId, 1, "demo", kind, ChannelType.CHAT, 0L, Long.MAX_VALUE, body, n);
        if (template != null && text == null)
        {
            request.templateText(("template " + template).getBytes(StandardCharsets.UTF_8));
        }
        return request;
    }

    /** Where the connector's inbound events go (none by default: every event refused). */
    public CapturingLane inbound(final InboundSink sink)
    {
        this.inbound = sink;
        return this;
    }

    @Override
    public InboundSink inbound()
    {
        return inbound;
    }

    /** Sends through the connector, noting that an outcome is now owed. */
    public void send(final Connector connector, final DeliveryRequest request)
    {
        outstanding.add(request.messageId());
        connector.send(request, this);
    }

    /** @return the next event, failing the test if none arrives within 30 s. */
    public Event next() throws InterruptedException
    {
        final Event e = events.poll(30, TimeUnit.SECONDS);
        if (e == null)
        {
            throw new AssertionError("no connector event within 30 s");
        }
        return e;
    }

    /** @return the next event within {@code ms}, or null. */
    public Event poll(final long ms) throws InterruptedException
    {
        return events.poll(ms, TimeUnit.MILLISECONDS);
    }

    public synchronized List<String> violations()
    {
        return new ArrayList<>(violations);
    }

    private void outcome(final String kind, final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        if (!outstanding.remove(request.messageId()))
        {
            synchronized (this)
            {
                violations.add("second outcome " + kind + " for message " + request.messageId());
            }
        }
        events.add(new Event(kind, request.messageId(), reason, retryAfterMs, null));
    }

    @Override
    public void onAccepted(final DeliveryRequest request)
    {
        outcome("ACCEPTED", request, Reason.NONE, 0);
    }

    @Override
    public void onRejected(final DeliveryRequest request, final Reason reason)
    {
        outcome("REJECTED", request, reason, 0);
    }

    @Override
    public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        outcome("FAILED", request, reason, retryAfterMs);
    }

    @Override
    public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        events.add(new Event("RECEIPT", messageId, reason, 0, state));
    }

    @Override
    public String laneName()
    {
        return channel.name().toLowerCase(java.util.Locale.ROOT) + "-test";
    }

    @Override
    public ChannelType channel()
    {
        return channel;
    }

    @Override
    public EpochClock clock()
    {
        return clock;
    }

    @Override
    public ReceiptSink receipts()
    {
        return this;
    }

    @Override
    public Path dataDir()
    {
        return dataDir != null ? dataDir : StatelessConnectorDir.of(laneName(), this);
    }
}
