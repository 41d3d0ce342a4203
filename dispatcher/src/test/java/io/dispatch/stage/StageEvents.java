package io.dispatch.stage;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.dispatch.admin.PolicyUpdate;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.inbound.InboundPublisher;
import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.ring.RingPorts;
import io.dispatch.ring.SlotSentinels;
import io.dispatch.status.Counters;
import io.dispatch.status.LaneAdmission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Ring events for the stage tests, built the way the engine builds them: each is published through its producer's
 * translator into a ring nobody consumes, into a slot that last held some other event, and handed to the stage
 * under test by the test itself. The ingest session's SUBMIT is not here (its publisher is being rewritten); a
 * client's SUBMIT is the cluster feeder's, which fills the same fields bar the session.
 */
final class StageEvents
{
    static final long NOW = 1_800_000_000_000L;
    static final int TENANT = 1;

    final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 64);
    final TenantRegistry tenants = new TenantRegistry(List.of(new TenantConfig(TENANT, "acme", "k")));
    final LaneAdmission[] admissions = new LaneAdmission[ChannelType.CODES];
    private final RingPorts ports = new RingPorts(64, 50);
    private final AcceptedPublisher feeder;
    private final StatePublisher states = new StatePublisher(ring, ports.lanes());
    private final InboundPublisher inbound = new InboundPublisher(ring, ports.inbound(), tenants);
    private final ByteBuf scratch = Unpooled.buffer(512);

    StageEvents()
    {
        ring.addGatingSequences(new Sequence()); // nothing consumes: every published slot stays as the test left it
        for (int s = 0; s < ring.getBufferSize(); s++)
        {
            SlotSentinels.dirty(ring.get(s));
        }
        for (final ChannelType c : ChannelType.values())
        {
            admissions[c.code()] = new LaneAdmission(100);
        }
        final IngestContext context = new IngestContext(DispatcherConfig.from(new Settings(new Properties())), ring,
            ports, admissions, tenants, new TemplateRegistry(Map.of()), new SessionRegistry(), new Counters(),
            () -> NOW, null, null, null, IngestContext.ClusterSeams.NONE);
        feeder = context.acceptedPublisher();
    }

    /** A SUBMIT of {@code text} to {@code recipient}, with idempotency key {@code key} ("" for none). */
    DispatchEvent submit(final MessageKind kind, final ChannelType channel, final String key, final String recipient)
    {
        scratch.clear();
        final int n = ByteBufFrames.submitBody(scratch, kind, channel, 60, key, recipient, "", "hello", null);
        final byte[] body = new byte[n];
        scratch.getBytes(0, body);
        return at(feeder.tryPublish(TENANT, kind.code(), channel.code(), 0, body, 0, n));
    }

    /** A lane's batch of one state change. */
    DispatchEvent state(final long messageId, final DeliveryState state, final ChannelType channel, final long atMs)
    {
        states.publish(messageId, state, 1, channel.code(), Reason.NONE, atMs);
        return at(states.flush());
    }

    /** A connector's inbound message; its answer is {@link DispatchEvent#inboundAnswer}. */
    DispatchEvent inbound(final String eventId)
    {
        final CompletableFuture<Boolean> answer = inbound.offer(new InboundEvent(InboundEvent.Kind.MESSAGE, "acme",
            ChannelType.CHAT, "psid-1", "page-9", 0, "hello", "{}", eventId, NOW));
        if (answer.isDone())
        {
            throw new AssertionError("refused before the ring");
        }
        return at(ring.getCursor());
    }

    /** An operator's change of the tenant's rate across channels. */
    DispatchEvent tenantRate(final long perSecond)
    {
        return at(ports.admin().tryPublish(ring, PolicyUpdate.TRANSLATOR,
            PolicyUpdate.tenantRate(TENANT, 0, perSecond, perSecond, 20)));
    }

    static PolicyEngine engine()
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        final Settings s = new Settings(p);
        final TenantPolicy[] policies = new TenantPolicy[2];
        policies[TENANT] = TenantPolicy.read(s, "acme");
        return new PolicyEngine(PolicyConfig.read(s), policies, new RecipientDirectory(), NOW);
    }

    private DispatchEvent at(final long sequence)
    {
        if (sequence < 0)
        {
            throw new AssertionError("not published");
        }
        return ring.get(sequence);
    }

    static RingPort unreserved()
    {
        return new RingPort("test", 0);
    }
}
