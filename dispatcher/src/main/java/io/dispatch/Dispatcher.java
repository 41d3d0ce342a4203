package io.dispatch;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantConfig;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.LaneAdmin;
import io.dispatch.connector.runtime.ConnectorMetricFamilies;
import io.dispatch.connector.runtime.LaneMetrics;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.IngestServer;
import io.dispatch.ingest.LaneAdmission;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.ingest.TenantRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.journal.Recovery;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.TenantPolicy;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingTopology;
import io.dispatch.ring.StageChain;
import io.dispatch.schedule.Scheduler;
import io.dispatch.targeting.CampaignFanout;
import io.dispatch.targeting.CampaignStats;
import io.dispatch.targeting.CancelledCampaigns;
import io.dispatch.targeting.ConsentPublisher;
import io.dispatch.targeting.TargetingConductor;
import io.dispatch.stage.AckHandler;
import io.dispatch.stage.DedupHandler;
import io.dispatch.stage.DispatchStages;
import io.dispatch.stage.HandoffHandler;
import io.dispatch.stage.JournalHandler;
import io.dispatch.stage.PolicyHandler;
import io.dispatch.stage.PolicyRates;
import io.dispatch.stage.SessionFlusher;
import io.dispatch.stage.StatusHandler;
import io.dispatch.status.AdminServer;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.RateAdminRoute;
import io.dispatch.status.StatusTable;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The engine: journal, recovery, ring, connector lanes, ingest server and admin endpoint, started in
 * that order by {@link #launch} and stopped in reverse by {@link #close}.
 */
public final class Dispatcher implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Directory and campaign frames waiting for the targeting thread; beyond it the client gets BACKPRESSURE. */
    private static final int TARGETING_INBOX = 1024;
    /**
     * Events the targeting thread (campaign messages, consent restrictions of directory updates) may have in the
     * ring at once (see docs/design/directory.md).
     */
    private static final int TARGETING_RING_WINDOW = 4096;

    private final DispatcherConfig config;
    private final Counters counters = new Counters();
    private final DistinctErrorLog errors = new DistinctErrorLog(counters);
    private final SessionRegistry sessions = new SessionRegistry();
    private final ConnectorLane[] laneByChannel = new ConnectorLane[4];
    private final LaneAdmission[] admissionByChannel = new LaneAdmission[4];
    private Journal journal;
    private RingTopology ring;
    private RingBuffer<DispatchEvent> ringBuffer;
    private IngestContext ingestContext;
    private IngestServer ingest;
    private AdminServer admin;
    private Scheduler scheduler;
    private AgentRunner schedulerRunner;
    private TargetingConductor targeting;
    private AgentRunner targetingRunner;
    private final CampaignStats campaignStats = new CampaignStats();
    /** Filled by the directory journal's replay before any recovered message is handed to a lane or the scheduler. */
    private final CancelledCampaigns cancelledCampaigns = new CancelledCampaigns();

    private Dispatcher(final DispatcherConfig config)
    {
        this.config = config;
    }

    public static Dispatcher launch(final DispatcherConfig config) throws Exception
    {
        return launch(config, SystemEpochClock.INSTANCE);
    }

    /** @param clock the time of every policy, timer and deadline: tests inject one they can move. */
    public static Dispatcher launch(final DispatcherConfig config, final EpochClock clock) throws Exception
    {
        final Dispatcher d = new Dispatcher(config);
        try
        {
            d.start(clock);
            return d;
        }
        catch (final Exception | Error ex)
        {
            d.close();
            throw ex;
        }
    }

    private void start(final EpochClock clock) throws Exception
    {
        LOG.info("event=starting config=\n{}", config.describe());
        try
        {
            Files.createDirectories(config.dataDir().resolve("journal"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create data dir " + config.dataDir(), ex);
        }
        journal = new Journal(config.dataDir().resolve("journal"), config.rollCycle());
        final TenantRegistry tenants = new TenantRegistry(config.tenants());
        final TemplateRegistry templates = new TemplateRegistry(config.templates());
        final DedupIndex dedup = new DedupIndex(config.dedupHorizonMs());
        final long contentWindowMs = config.policy().contentDedupWindowMs();
        final DedupIndex contentDedup = contentWindowMs > 0 ? new DedupIndex(contentWindowMs) : null;
        final StatusTable status = new StatusTable(config.statusCapacity());
        final PolicyEngine policy = new PolicyEngine(config.policy(), tenantPolicies(), new RecipientDirectory(), clock.time());
        final PolicyRates rates = new PolicyRates(TenantConfig.MAX_TENANTS);
        for (final TenantConfig t : config.tenants())
        {
            rates.publish(t.id(), 0, policy.tenantRate(t.id()));
            for (final ChannelType c : ChannelType.values())
            {
                rates.publish(t.id(), c.code(), policy.channelRate(t.id(), c.code()));
            }
        }

        final SessionFlusher flusher = new SessionFlusher();
        final DedupHandler dedupStage = new DedupHandler(dedup, contentDedup, clock);
        final PolicyHandler policyStage = new PolicyHandler(policy, dedup, clock, counters, rates, cancelledCampaigns);
        final JournalHandler journalStage = new JournalHandler(journal, config.fsync() == DispatcherConfig.FsyncPolicy.BATCH,
            dedup, tenants, counters, errors, config.defaultTtlSeconds(), contentDedup, policyStage);
        final AckHandler ackStage = new AckHandler(flusher, counters, errors, config.ringSize());
        final StatusHandler statusStage = new StatusHandler(status, sessions, flusher, counters, campaignStats);
        final long ringReserve = (long)config.ringSize() * (100 - config.ringHighWaterPercent()) / 100;
        scheduler = new Scheduler((int)ringReserve, admissionByChannel, clock, 4 << 20, cancelledCampaigns);
        final HandoffHandler handoffStage = new HandoffHandler(laneByChannel, scheduler);
        ring = config.ringConsumerThreads() == 1
            ? new RingTopology(config.ringSize(), config.waitStrategy(), errors,
                new DispatchStages(dedupStage, policyStage, journalStage, ackStage, statusStage, handoffStage, flusher))
            : new RingTopology(config.ringSize(), config.waitStrategy(), errors,
                new StageChain(dedupStage, policyStage, journalStage),
                new StageChain(ackStage, statusStage, handoffStage, flusher));
        ringBuffer = ring.ringBuffer();
        scheduler.ring(ringBuffer);

        final Map<String, ConnectorFactory> factories = connectorFactories();
        for (final LaneConfig lane : config.lanes().values())
        {
            final ConnectorFactory factory = factories.get(lane.connectorType());
            if (factory == null)
            {
                throw new IllegalArgumentException("lane." + lane.channel().name().toLowerCase(java.util.Locale.ROOT)
                    + ".connector: unknown connector type '" + lane.connectorType() + "'; available: " + factories.keySet());
            }
            final String settingsKey = "lane." + lane.channel().name().toLowerCase(java.util.Locale.ROOT) + ".connector";
            try
            {
                factory.validate(lane.connectorSettings());
            }
            catch (final IllegalArgumentException ex)
            {
                // the connector names its own key; the lane prefix tells which lane's settings are wrong
                throw new ConfigurationException(settingsKey, lane.connectorType() + " connector: " + ex.getMessage());
            }
            final Connector connector = factory.create(lane.connectorSettings());
            final LaneAdmission admission = new LaneAdmission(lane.capacity());
            admissionByChannel[lane.channel().code()] = admission;
            laneByChannel[lane.channel().code()] = new ConnectorLane(lane, connector, admission, journal,
                config.dataDir(), templates, new StatePublisher(ringBuffer), clock, SystemNanoClock.INSTANCE, ringBuffer::getMinimumGatingSequence,
                errors, counters);
        }
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                lane.onUnregistered((tenant, recipient) -> targeting.tokenUnregistered(tenants.idOf(tenant), recipient));
                lane.watchCancellations(cancelledCampaigns);
            }
        }
        for (final LaneConfig lane : config.lanes().values())
        {
            if (lane.fallback().enabled())
            {
                laneByChannel[lane.channel().code()].fallbackTo(laneByChannel[lane.fallback().target().code()]);
            }
        }

        // the targeting thread keeps at most TARGETING_RING_WINDOW events in the ring: a client's SUBMIT never waits
        // for a slot, and queues behind at most that many (a few ms), not behind a whole campaign or import
        final long targetingReserve = config.ringSize() - Math.min(config.ringSize() / 2, TARGETING_RING_WINDOW);
        targeting = new TargetingConductor(config.dataDir(), config.rollCycle(), TARGETING_INBOX,
            config.directorySnapshotEveryOps(), config.directoryMaxRecipients(), tenants, templates,
            new CampaignFanout(ringBuffer, admissionByChannel, templates, targetingReserve),
            new ConsentPublisher(ringBuffer, targetingReserve, counters, errors), campaignStats,
            cancelledCampaigns, config.policy().maxScheduleAheadMs(), clock, errors);
        // before the message journal: its recovery counts campaign messages into their campaigns' stats, and the
        // lanes and the scheduler then get recovered messages with the cancelled campaigns already known
        targeting.load();

        new Recovery(dedup, status, tenants, clock.time(), config.dedupHorizonMs(), contentWindowMs,
            new Recovery.PolicySink()
            {
                @Override
                public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey,
                    final long atMs)
                {
                    if (tenantId != 0)
                    {
                        policy.recordSend(tenantId, kind, channel, recipientKey, atMs);
                    }
                }

                @Override
                public void consent(final int tenantId, final byte[] body)
                {
                    PolicyHandler.applyConsent(policy, tenantId, body);
                }

                @Override
                public void content(final long contentHash, final long messageId, final long atMs)
                {
                    contentDedup.record(contentHash, messageId, atMs);
                }

                @Override
                public int campaignMessage(final long campaignId, final byte channel, final byte decision,
                    final short reason)
                {
                    final int slot = targeting.campaignSlot(campaignId);
                    campaignStats.countAccepted(slot, channel, decision, reason, false);
                    if (decision == Decision.SUPPRESS.code())
                    {
                        campaignStats.countState(slot, channel, DeliveryState.SUPPRESSED.code(), reason);
                    }
                    return slot;
                }

                @Override
                public boolean campaignResumable(final long campaignId)
                {
                    return targeting.campaignResumable(campaignId);
                }

                @Override
                public void campaignState(final int campaignSlot, final byte channel, final byte state,
                    final short reason)
                {
                    campaignStats.countState(campaignSlot, channel, state, reason);
                }
            }).run(journal, new Recovery.Sink()
        {
            @Override
            public void pending(final long messageId, final byte channel, final byte kind, final int attempts)
            {
                laneByChannel[channel].recoverPending(messageId, attempts, kind);
                counters.increment(Counter.RECOVERED_REDISPATCHED);
            }

            @Override
            public void awaitingReceipt(final long messageId, final byte channel)
            {
                laneByChannel[channel].recoverAwaitingReceipt(messageId);
            }

            @Override
            public void deferred(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
                final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
                final long campaignId)
            {
                policyStage.recoverDeferred(messageId);
                scheduler.recover(messageId, dueAtMs, recipientKey, deadlineMs, tenantId, kind, channel, prepaid,
                    consentOverride, campaignId);
            }
        });


        ring.start();
        // requests are rare next to messages: a 1 ms nap when idle keeps the thread off the CPU
        targetingRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), ex -> errors.record("targeting_failed", ex),
            null, targeting);
        AgentRunner.startOnThread(targetingRunner);
        // the wheel ticks every 16 ms: sleeping 4 ms when idle costs no precision and almost no CPU
        schedulerRunner = new AgentRunner(new SleepingMillisIdleStrategy(4), ex -> errors.record("scheduler_failed", ex), null, scheduler);
        AgentRunner.startOnThread(schedulerRunner);
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                lane.start();
            }
        }
        ingestContext = new IngestContext(config, ringBuffer, admissionByChannel, tenants, templates, sessions, counters,
            clock, targeting);
        ingest = new IngestServer(ingestContext, config.ingestHost(), config.ingestPort(), config.ioThreads());
        if (config.adminPort() >= 0)
        {
            final LaneAdmin laneAdmin = new LaneAdmin(lanes());
            admin = new AdminServer(config.ingestHost(), config.adminPort(), this::healthJson, this::metricsText,
                Map.of("/tenants", new RateAdminRoute(ringBuffer, tenants, config.tenants(), rates),
                    "/lanes", laneAdmin, "/deadletters", laneAdmin));
        }
        LOG.info("event=started ingest={}:{} admin_port={}", config.ingestHost(), ingest.port(),
            admin == null ? "off" : admin.port());
    }

    private TenantPolicy[] tenantPolicies()
    {
        final TenantPolicy[] byId = new TenantPolicy[TenantConfig.MAX_TENANTS];
        for (final TenantConfig t : config.tenants())
        {
            byId[t.id()] = config.tenantPolicy(t.id());
        }
        return byId;
    }

    private static Map<String, ConnectorFactory> connectorFactories()
    {
        final Map<String, ConnectorFactory> out = new HashMap<>();
        for (final ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class))
        {
            out.put(f.type(), f);
        }
        return out;
    }

    public int port()
    {
        return ingest.port();
    }

    public int adminPort()
    {
        return admin == null ? -1 : admin.port();
    }

    /** What ingest sessions share: tests attach sessions to it over in-JVM channels (see IngestServer#addHandlers). */
    public IngestContext ingestContext()
    {
        return ingestContext;
    }

    public Counters counters()
    {
        return counters;
    }

    public ConnectorLane lane(final ChannelType channel)
    {
        return laneByChannel[channel.code()];
    }

    private List<ConnectorLane> lanes()
    {
        final List<ConnectorLane> out = new ArrayList<>();
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                out.add(lane);
            }
        }
        return out;
    }

    /** UP, or DEGRADED while a lane's circuit breaker is not closed (its messages wait). */
    String healthJson()
    {
        final StringBuilder sb = new StringBuilder(256);
        final boolean degraded = lanes().stream().anyMatch(l -> !"CLOSED".equals(l.breakerState()));
        sb.append("{\"status\":\"").append(degraded ? "DEGRADED" : "UP").append("\",\"sessions\":").append(sessions.size())
            .append(",\"ring_remaining\":").append(ringBuffer.remainingCapacity())
            .append(",\"ring_size\":").append(ringBuffer.getBufferSize())
            .append(",\"lanes\":{");
        boolean first = true;
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane == null)
            {
                continue;
            }
            sb.append(first ? "" : ",").append('"').append(lane.name()).append("\":{\"priority_queue\":")
                .append(lane.priorityDepth()).append(",\"bulk_queue\":").append(lane.bulkDepth())
                .append(",\"in_flight\":").append(lane.inFlight())
                .append(",\"breaker\":\"").append(lane.breakerState()).append('"')
                .append(",\"rate_per_second\":").append(lane.metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND) / 1000.0)
                .append(",\"speed_factor\":").append(lane.metrics().get(LaneMetrics.FACTOR_PERMILLE) / 1000.0)
                .append(",\"admitted\":").append(lane.admission().inSystem())
                .append(",\"capacity\":").append(lane.admission().capacity()).append('}');
            first = false;
        }
        return sb.append("}}\n").toString();
    }

    String metricsText()
    {
        final StringBuilder sb = new StringBuilder(4096);
        for (final Counter c : Counter.values())
        {
            sb.append("# TYPE ").append(c.metricName()).append(" counter\n")
                .append(c.metricName()).append(' ').append(counters.get(c)).append('\n');
        }
        sb.append("# TYPE dispatch_deferred_messages gauge\ndispatch_deferred_messages ")
            .append(scheduler.pending()).append('\n');
        sb.append("# TYPE dispatch_ring_remaining gauge\ndispatch_ring_remaining ")
            .append(ringBuffer.remainingCapacity()).append('\n');
        sb.append("# TYPE dispatch_sessions gauge\ndispatch_sessions ").append(sessions.size()).append('\n');
        targeting.metrics().appendPrometheus(sb);
        sb.append("# TYPE dispatch_lane_queue_depth gauge\n");
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                sb.append("dispatch_lane_queue_depth{lane=\"").append(lane.name()).append("\",queue=\"priority\"} ")
                    .append(lane.priorityDepth()).append('\n');
                sb.append("dispatch_lane_queue_depth{lane=\"").append(lane.name()).append("\",queue=\"bulk\"} ")
                    .append(lane.bulkDepth()).append('\n');
                sb.append("dispatch_lane_in_flight{lane=\"").append(lane.name()).append("\"} ")
                    .append(lane.inFlight()).append('\n');
            }
        }
        LaneMetrics.appendPrometheus(sb, lanes().stream().map(ConnectorLane::metrics).toList());
        final ConnectorMetricFamilies connectorMetrics = new ConnectorMetricFamilies();
        for (final ConnectorLane lane : lanes())
        {
            connectorMetrics.collect(lane.name(), lane.connectorType(), lane.connector());
        }
        connectorMetrics.appendTo(sb);
        return sb.toString();
    }

    /** Stops accepting, lets the ring drain, stops the lanes and closes the journal. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (ingestContext != null)
        {
            ingestContext.shutdown();
        }
        closeQuietly(ingest);
        ingest = null;
        closeQuietly(schedulerRunner);
        schedulerRunner = null;
        // before the ring: a campaign's fan-out publishes into it; closing writes the directory snapshot
        closeQuietly(targetingRunner);
        targetingRunner = null;
        for (int i = 0; i < laneByChannel.length; i++)
        {
            closeQuietly(laneByChannel[i]);
        }
        if (ring != null && ringBuffer != null)
        {
            closeQuietly(ring);
        }
        ring = null;
        closeQuietly(journal);
        journal = null;
        closeQuietly(admin);
        admin = null;
    }

    private static void closeQuietly(final AutoCloseable c)
    {
        if (c == null)
        {
            return;
        }
        try
        {
            c.close();
        }
        catch (final Exception ex)
        {
            LOG.warn("event=close_failed component={} error={}", c.getClass().getSimpleName(), ex.toString());
        }
    }
}
