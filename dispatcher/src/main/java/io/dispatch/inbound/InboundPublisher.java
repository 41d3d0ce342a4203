package io.dispatch.inbound;

import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.policy.DedupIndex;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The engine's {@link InboundSink}: publishes each event into the dispatch ring as {@link DispatchEvent#INBOUND}
 * (body: {@link InboundBody}). The journal stage journals it and the ack stage completes the future once the batch is
 * on disk; a refusal (unknown tenant, an event too large, a full ring, a full disk, the engine stopping) completes it
 * false, so the connector answers its platform with a retriable error. Never blocks the connector's thread: a full
 * ring is a refusal, not a wait. Thread-safe (the ring is multi-producer).
 */
public final class InboundPublisher implements InboundSink, AutoCloseable
{
    private static final CompletableFuture<Boolean> REFUSED = CompletableFuture.completedFuture(Boolean.FALSE);

    /** Fills a slot with an inbound event, its encoded body and the answer the ack stage completes. */
    static final EventTranslatorThreeArg<DispatchEvent, InboundEvent, byte[], Answer> INBOUND =
        InboundPublisher::translate;

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final TenantRegistry tenants;
    private static final Logger LOG = LoggerFactory.getLogger(InboundPublisher.class);
    /** What was refused and logged already: one line per distinct misconfiguration, not one per webhook. */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    /** @param port the inbound port ({@code RingPorts#inbound}): a ring without room for it refuses the event. */
    public InboundPublisher(final RingBuffer<DispatchEvent> ring, final RingPort port, final TenantRegistry tenants)
    {
        this.ring = ring;
        this.port = port;
        this.tenants = tenants;
    }

    /** Events refused before the ring: unknown tenant, too large, ring full, stopping. */
    public long refused()
    {
        return refused.get();
    }

    @Override
    public CompletableFuture<Boolean> offer(final InboundEvent event)
    {
        final CompletableFuture<Boolean> answer = publish(event);
        if (answer == REFUSED)
        {
            refused.incrementAndGet();
        }
        return answer;
    }

    private CompletableFuture<Boolean> publish(final InboundEvent event)
    {
        if (closed)
        {
            return REFUSED;
        }
        final int tenantId = tenants.idOf(event.tenant());
        if (tenantId == 0)
        {
            if (warned.add("tenant:" + event.tenant()))
            {
                LOG.warn("event=inbound_refused channel={} tenant={} problem=\"no such tenant in `tenants`\" " +
                    "fix=\"set the receiving connector's tenant to a configured tenant\"", event.channel(), event.tenant());
            }
            return REFUSED;
        }
        final byte[] body = InboundBody.encode(event);
        if (body == null)
        {
            final String problem = InboundBody.problem(event);
            if (warned.add(event.channel() + ":" + problem))
            {
                LOG.warn("event=inbound_refused channel={} tenant={} problem=\"{}\" (logged once per problem)",
                    event.channel(), event.tenant(), problem);
            }
            return REFUSED;
        }
        final Answer answer = new Answer(tenantId);
        return port.tryPublish(ring, INBOUND, event, body, answer) == RingPort.NO_ROOM ? REFUSED : answer;
    }

    private static void translate(
        final DispatchEvent e, final long sequence, final InboundEvent event, final byte[] body, final Answer answer)
    {
        final int tenantId = answer.tenantId;
        e.reset(DispatchEvent.INBOUND);
        e.tenantId = tenantId;
        e.channel = event.channel().code();
        e.kind = (byte)event.kind().ordinal();
        e.recipientKey = DedupIndex.hash(tenantId, body, InboundBody.FROM_LENGTH_OFFSET + 1,
            body[InboundBody.FROM_LENGTH_OFFSET] & 0xFF);
        e.keyHash = InboundBody.eventKey(tenantId, body);
        e.acceptedAtMs = event.receivedAtMs();
        System.arraycopy(body, 0, e.ensureBodyCapacity(body.length), 0, body.length);
        e.bodyLength = body.length;
        e.inboundAnswer = answer;
    }

    /** From now on every offer is refused: the engine is stopping. */
    @Override
    public void close()
    {
        closed = true;
    }

    /** The connector's answer, carrying the tenant id resolved for it into the translator (no boxing, no holder). */
    static final class Answer extends CompletableFuture<Boolean>
    {
        final int tenantId;

        Answer(final int tenantId)
        {
            this.tenantId = tenantId;
        }
    }
}
