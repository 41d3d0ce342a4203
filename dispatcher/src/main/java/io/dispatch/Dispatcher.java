package io.dispatch;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.admin.AdminServer;
import io.dispatch.admin.AdminTokenFile;
import io.dispatch.admin.LaneAdmin;
import io.dispatch.admin.LaneRateJournal;
import io.dispatch.admin.MessageHistoryRoute;
import io.dispatch.admin.RateAdminRoute;
import io.dispatch.admin.RecipientRoute;
import io.dispatch.admin.RedriveRoute;
import io.dispatch.admin.TenantRoutes;
import io.dispatch.admin.HealthPage;
import io.dispatch.admin.LatencyRoute;
import io.dispatch.admin.MetricsPage;
import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.IngestTlsSettings;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.OptOut080Settings;
import io.dispatch.config.RateSettings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;
import io.dispatch.connector.messenger.MessengerConnectorFactory;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.connector.smsrelay.SmsImageRoute;
import io.dispatch.inbound.InboundAnswers;
import io.dispatch.inbound.InboundDedup;
import io.dispatch.inbound.InboundPublisher;
import io.dispatch.inbound.OptOut080Receiver;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.IngestServer;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.ingest.SubmitIntake;
import io.dispatch.journal.DiskSpaceWatcher;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalPretoucher;
import io.dispatch.journal.JournalReplayer;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.Recovery;
import io.dispatch.journal.SnapshotStore;
import io.dispatch.journal.Snapshotter;
import io.dispatch.journal.TenantIds;
import io.dispatch.policy.ConversationWindow;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.TenantPolicy;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.ClearingHandler;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPorts;
import io.dispatch.ring.RingTopology;
import io.dispatch.ring.StageChain;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.schedule.Scheduler;
import io.dispatch.targeting.AddressConsentLedger;
import io.dispatch.targeting.CampaignAdminRoute;
import io.dispatch.targeting.CampaignFanout;
import io.dispatch.targeting.CampaignReplay;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.targeting.ConsentPublisher;
import io.dispatch.targeting.TargetingConductor;
import io.dispatch.stage.AckHandler;
import io.dispatch.stage.DedupHandler;
import io.dispatch.stage.DispatchStages;
import io.dispatch.stage.FallbackMessages;
import io.dispatch.stage.HandoffHandler;
import io.dispatch.stage.JournalHandler;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.stage.PolicyHandler;
import io.dispatch.status.PolicyRates;
import io.dispatch.stage.RecoveryHandoff;
import io.dispatch.stage.SessionFlusher;
import io.dispatch.stage.StatusHandler;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.EndToEndLatency;
import io.dispatch.status.LaneAdmission;
import io.dispatch.status.PrometheusText;
import io.dispatch.status.StatusTable;
import io.dispatch.stream.JournalStreams;
import io.dispatch.tls.TlsContexts;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine: journal, recovery, ring, connector lanes, ingest server and admin endpoint, started in
 * that order by {@link #launch} and stopped in reverse by {@link #close}.
 */
public final class Dispatcher implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Directory and campaign frames waiting for the targeting thread; beyond it the client gets BACKPRESSURE. */
    private static final int TARGETING_INBOX = 1024;
    private static final long STORAGE_POLL_MS = 250;
    /** At 300,000 messages/s the appender moves about 0.3 MiB in this time: well inside the pages kept touched. */
    private static final long PRETOUCH_POLL_MS = 5;

    private final DispatcherConfig config;
    private final Counters counters = new Counters();
    private final DistinctErrorLog errors = new DistinctErrorLog(counters);
    private final SessionRegistry sessions = new SessionRegistry();
    /** Frame read → ACK per class; written by the ack stage only. */
    private final ClassLatency ackLatency = new ClassLatency("");
    private final EndToEndLatency e2eLatency = new EndToEndLatency();
    private final ConnectorLane[] laneByChannel = new ConnectorLane[ChannelType.CODES];
    private final LaneAdmission[] admissionByChannel = new LaneAdmission[ChannelType.CODES];
    private Journal journal;
    private Snapshotter snapshotter;
    private FallbackMessages fallbackMessages;
    private RingTopology ring;
    private InboundPublisher inbound;
    private AgentRunner streamsRunner;
    private OptOut080Receiver optOut080;
    private final InboundAnswers inboundAnswers = new InboundAnswers();
    private RingBuffer<DispatchEvent> ringBuffer;
    /** The ring's marketing share, for {@code /metrics}. */
    private io.dispatch.ring.MarketingShare marketingShare;
    private IngestContext ingestContext;
    private OwnerState ownerState;
    private ClusterHooks hooks = ClusterHooks.NONE;
    private volatile java.util.function.Consumer<StringBuilder> extraMetrics;
    private MessageHistoryRoute historyRoute;
    private IngestServer ingest;
    private AdminServer admin;
    private RedriveRoute redrive;
    private ConfigReload configReload;
    private Scheduler scheduler;
    private AgentRunner schedulerRunner;
    private TargetingConductor targeting;
    private AgentRunner targetingRunner;
    private DiskSpaceWatcher storage;
    private AgentRunner storageRunner;
    private volatile AgentRunner pretouchRunner;
    private final CampaignStats campaignStats = new CampaignStats();
    /** Filled by the directory journal's replay before any recovered message is handed to a lane or the scheduler. */
    private final CancelledCampaigns cancelledCampaigns = new CancelledCampaigns();
    private DataDirLock dataDirLock;
    /** Set once every component runs; cleared when a drain begins: what {@code /health/ready} reports. */
    private volatile boolean ready;
    private volatile long startedAtNs;
    /** What the drain left for the next start, for the one line {@link #close()} logs. */
    private String stopSummary = "drain=none";

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
        return launch(config, clock, (ClusterHooks)null);
    }

    /**
     * @param intake cluster mode (module {@code cluster}): where client SUBMITs go instead of the ring; null for the
     *               single-node engine (docs/design/cluster.md).
     */
    public static Dispatcher launch(final DispatcherConfig config, final EpochClock clock, final SubmitIntake intake)
        throws Exception
    {
        return launch(config, clock, ClusterHooks.intakeOnly(intake));
    }

    /** @param hooks cluster mode (module {@code cluster}): what it plugs into the engine (docs/design/cluster.md). */
    public static Dispatcher launch(final DispatcherConfig config, final EpochClock clock, final ClusterHooks hooks)
        throws Exception
    {
        // before the tenant ids or the journal are read: a second engine on this dir fails here and touches nothing
        final DataDirLock lock = DataDirLock.acquire(config.dataDir());
        final Dispatcher d;
        try
        {
            // a taken port fails the start now, not after a long recovery; the servers bind for real at the end
            checkFree(Configuration.INGEST_PORT_PROP_NAME, config.ingestHost(), config.ingestPort(), "--port");
            checkFree(Configuration.ADMIN_PORT_PROP_NAME, config.admin().host(), config.adminPort(), "--admin-port");
            d = new Dispatcher(config.withTenants(TenantIds.resolve(dataDir(config), config.tenants())));
        }
        catch (final Exception | Error ex)
        {
            lock.close();
            throw ex;
        }
        d.dataDirLock = lock;
        d.hooks = hooks == null ? ClusterHooks.NONE : hooks;
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

    /** Creates the data dir: the tenant ids are resolved in it before anything else starts. */
    private static Path dataDir(final DispatcherConfig config)
    {
        try
        {
            return Files.createDirectories(config.dataDir().resolve("journal")).getParent();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create data dir " + config.dataDir(), ex);
        }
    }

    private void start(final EpochClock clock) throws Exception
    {
        LOG.info("event=starting config=\n{}", config.describe());
        // before the journal opens: a bad certificate or key fails the start with one line naming the key
        final TlsContexts tls = config.ingestTls().enabled() ? TlsContexts.load(config.ingestTls()) : null;
        final TlsContexts adminTls = config.adminPort() >= 0 && config.admin().tls() ? TlsContexts.load(
            new IngestTlsSettings(config.admin().tlsCertFile(), config.admin().tlsKeyFile(), null, 0),
            Configuration.ADMIN_TLS_CERT_FILE_PROP_NAME, Configuration.ADMIN_TLS_KEY_FILE_PROP_NAME) : null;
        journal = new Journal(config.dataDir().resolve("journal"), config.rollCycle());
        // a damaged consent archive stops the start here, with a line naming the file, not every export later
        journal.consentArchive().open();
        storage = DiskSpaceWatcher.of(config.dataDir().resolve("journal"), config.journalMinFreeBytes());
        storage.doWork();
        // four polls a second: a statvfs each, off the hot path (docs/design/disk-safety.md)
        storageRunner = new AgentRunner(new SleepingMillisIdleStrategy(STORAGE_POLL_MS),
            ex -> errors.record("disk_space_watcher_failed", ex), null, storage);
        AgentRunner.startOnThread(storageRunner);
        if (config.journalPretouchBytes() > 0)
        {
            // first stores into the journal's pages off the journal thread (docs/design/journal-pretouch.md)
            pretouchRunner = new AgentRunner(new SleepingMillisIdleStrategy(PRETOUCH_POLL_MS),
                ex -> errors.record("journal_pretouch_failed", ex), null,
                new JournalPretoucher(journal.appendFrontier(), config.journalPretouchBytes()));
            AgentRunner.startOnThread(pretouchRunner);
        }
        final TenantRegistry tenants = new TenantRegistry(config.tenants());
        configReload = new ConfigReload(tenants);
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
        final PolicyCaps caps = new PolicyCaps(TenantConfig.MAX_TENANTS);
        for (final TenantConfig t : config.tenants())
        {
            for (final MessageKind k : MessageKind.values())
            {
                for (int c = 0; c <= ChannelType.values().length; c++)
                {
                    caps.publish(t.id(), k.code(), c, policy.caps(t.id(), k.code(), c), 0);
                }
            }
        }

        final SessionFlusher flusher = new SessionFlusher();
        final DedupHandler dedupStage = new DedupHandler(dedup, contentDedup, clock);
        final PolicyHandler policyStage = new PolicyHandler(policy, dedup, clock, counters, rates, cancelledCampaigns);
        policyStage.caps(caps);
        policyStage.conversationWindow(new ConversationWindow(config.policy().conversationWindowMs(), messageTags()));
        fallbackMessages = new FallbackMessages(journal, config.tenants());
        final byte[] fallbackChannels = new byte[ChannelType.CODES];
        config.lanes().values().forEach(l -> fallbackChannels[l.channel().code()] =
            l.fallback().enabled() ? l.fallback().target().code() : 0);
        policyStage.fallbacks(fallbackMessages, config.policy().adMarking(), fallbackChannels);
        final InboundDedup inboundDedup = new InboundDedup();
        final JournalHandler journalStage = new JournalHandler(journal, config.fsync() == DispatcherConfig.FsyncPolicy.BATCH,
            dedup, tenants, counters, errors, config.defaultTtlSeconds(), contentDedup, policyStage, inboundDedup);
        final RingPorts ports = RingPorts.of(config);
        marketingShare = ports.marketing();
        final AckHandler ackStage = new AckHandler(flusher, counters, errors, status, ackLatency, ports.marketing(),
            config.ringSize());
        ackStage.inboundAnswers(inboundAnswers);
        final StatusHandler statusStage = new StatusHandler(status, sessions, flusher, counters, campaignStats,
            e2eLatency, config.ringSize());
        statusStage.tap(hooks.tap());
        policyStage.rateShare(hooks.share());
        ownerState = new OwnerState(dedup, contentDedup, policyStage, caps, journal, config.dedupHorizonMs(),
            policy.caps().retentionMs());
        scheduler = new Scheduler(ports.scheduler(), admissionByChannel, clock, 4 << 20, cancelledCampaigns,
            ports.marketing());
        final HandoffHandler handoffStage = new HandoffHandler(laneByChannel, scheduler);
        final com.lmax.disruptor.EventHandler<DispatchEvent> observer =
            hooks.journaledObserver();
        ring = config.ringConsumerThreads() == 1
            ? new RingTopology(config.ringSize(), config.waitStrategy(), errors, ports.marketing(),
                new DispatchStages(dedupStage, policyStage, journalStage, ackStage, statusStage, handoffStage, flusher,
                    new ClearingHandler()).observeJournaled(observer))
            : new RingTopology(config.ringSize(), config.waitStrategy(), errors, ports.marketing(),
                observer == null ? new StageChain(dedupStage, policyStage, journalStage)
                    : new StageChain(dedupStage, policyStage, journalStage, observer),
                new StageChain(ackStage, statusStage, handoffStage, flusher, new ClearingHandler()));
        ringBuffer = ring.ringBuffer();
        scheduler.ring(ringBuffer);
        inbound = new InboundPublisher(ringBuffer, ports.inbound(), tenants);

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
            final LaneAdmission admission = new LaneAdmission(lane.capacity(), lane.rate().reservedPercent());
            admissionByChannel[lane.channel().code()] = admission;
            laneByChannel[lane.channel().code()] = new ConnectorLane(lane, connector, admission, journal,
                config.dataDir(), templates, new StatePublisher(ringBuffer, ports.lanes()), clock, SystemNanoClock.INSTANCE,
                ringBuffer::getMinimumGatingSequence,
                errors, counters);
        }
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                lane.onUnregistered((tenant, recipient) -> targeting.tokenUnregistered(tenants.idOf(tenant), recipient));
                lane.watchCancellations(cancelledCampaigns);
                lane.inboundSink(inbound);
                if (hooks.mayDispatch() != null)
                {
                    lane.dispatchOnlyIf(hooks.mayDispatch(), hooks.holdDispatch());
                }
            }
        }
        for (final LaneConfig lane : config.lanes().values())
        {
            if (lane.fallback().enabled())
            {
                laneByChannel[lane.channel().code()].fallbackTo(laneByChannel[lane.fallback().target().code()]);
                if (lane.fallback().undeliveredMs() > 0)
                {
                    campaignStats.receiptDeadline(lane.channel().code());
                }
            }
        }

        // the targeting thread keeps at most RingPorts.TARGETING_WINDOW events in the ring, and a campaign's messages
        // count against the marketing share (ring.marketingSlots) with clients' marketing: a client's SUBMIT never
        // waits for a slot, and an OTP queues behind at most that share, not behind a whole campaign or import
        targeting = new TargetingConductor(config.dataDir(), config.rollCycle(), TARGETING_INBOX,
            config.directorySnapshotEveryOps(), config.directoryMaxRecipients(), tenants, templates,
            new CampaignFanout(ringBuffer, admissionByChannel, templates, ports.targeting(), ports.marketing()),
            new ConsentPublisher(ringBuffer, ports.targeting(), counters, errors), campaignStats,
            cancelledCampaigns, config.policy().maxScheduleAheadMs(), clock, errors);
        // before the message journal: its recovery counts campaign messages into their campaigns' stats, and the
        // lanes and the scheduler then get recovered messages with the cancelled campaigns already known
        if (hooks.targeting() != null)
        {
            targeting.cluster(hooks.targeting());
            hooks.targeting().attach(targeting, tenants);
        }
        targeting.load();
        // directory recipients' addresses count as one person for the caps; recovery replays later links over it
        targeting.linkAddresses(policy.directory());

        final SnapshotStore snapshots = new SnapshotStore(config.dataDir().resolve("snapshots"));
        // replay into the objects the stages run with, through their own state methods (docs/design/recovery.md)
        new Recovery(dedup, status, tenants, clock.time(), config.dedupHorizonMs(), contentWindowMs,
            new JournalReplayer.Targets(policyStage,
                contentDedup == null ? JournalReplayer.ContentState.NONE : contentDedup::record,
                new CampaignReplay(targeting::campaignSlot, targeting::campaignResumable, campaignStats),
                (index, id, text) -> templates.versions().add(id, index, text), journalStage, this::restoreLaneRate))
            .campaignKeysOnly(hooks.intake() != null)
            .sourceIds(hooks.tap() == null ? null : hooks.tap()::recovered)
            .run(journal, new RecoveryHandoff(laneByChannel, scheduler, policyStage, tenants, counters), snapshots);
        journalTemplateChanges(templates);

        ring.start();
        // folds the journal into snapshots on a thread of its own, from the journal, never from the stages' state
        snapshotter = new Snapshotter(journal, snapshots, tenants, clock, config.dedupHorizonMs(), contentWindowMs,
            policy.caps().retentionMs(), inboundWindowMs(), config.statusCapacity(),
            config.lanes().values().stream().mapToInt(LaneConfig::deadLetterBuffer).max().orElse(0), config.retention());
        snapshotter.start();
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
        sessions.limits(config.sessionLimits());
        ingestContext = new IngestContext(config, ringBuffer, ports, admissionByChannel, tenants, templates, sessions,
            counters, clock, targeting);
        ingestContext.watchStorage(storage);
        ingestContext.intake(hooks.intake());
        ingestContext.router(hooks.router());
        ingestContext.clusterTargeting(hooks.targeting());
        // resumed receipts and inbound subscribers read the journal on their own thread; 1 ms naps when all caught up
        streamsRunner = new AgentRunner(new BackoffIdleStrategy(1, 10, 1_000, 1_000_000),
            ex -> errors.record("journal_streams_failed", ex), null, new JournalStreams(journal));
        ingestContext.streams((JournalStreams)streamsRunner.agent());
        AgentRunner.startOnThread(streamsRunner);
        ingest = bind(Configuration.INGEST_PORT_PROP_NAME, config.ingestHost(), config.ingestPort(), "--port",
            () -> new IngestServer(ingestContext, config.ingestHost(), config.ingestPort(), config.ioThreads(), tls));
        if (config.adminPort() >= 0)
        {
            final LaneAdmin laneAdmin =
                new LaneAdmin(lanes(), new LaneRateJournal(ringBuffer, ports.admin(), storage::isFull));
            final String adminToken = config.admin().token() != null
                ? config.admin().token() : AdminTokenFile.loadOrCreate(config.dataDir());
            redrive = new RedriveRoute(journal, ringBuffer, ports.redrive(), tenants, admissionByChannel,
                storage::isFull);
            final RateAdminRoute tenantRates = new RateAdminRoute(ringBuffer, ports.admin(), tenants, config.tenants(),
                rates, caps,
                storage::isFull);
            final RecipientRoute recipients = new RecipientRoute(tenants, targeting.ledger(), new AddressConsentLedger(journal));
            historyRoute = new MessageHistoryRoute(journal, this::confirmDelivered);
            final Map<String, AdminRoute> routes = Map.ofEntries(
                Map.entry("/tenants", new TenantRoutes(recipients, tenantRates)),
                Map.entry("/lanes", laneAdmin), Map.entry("/deadletters", laneAdmin),
                Map.entry("/messages/", historyRoute),
                Map.entry("/redrive", redrive), Map.entry("/config/reload", configReload),
                Map.entry("/campaigns", new CampaignAdminRoute(targeting, tenants, campaignStats)),
                Map.entry(LatencyRoute.PATH, latencyRoute()),
                Map.entry(SmsImageRoute.PREFIX, new SmsImageRoute(config.dataDir().resolve(SmsImageRoute.DIRECTORY),
                    config.tenants().stream().map(TenantConfig::name).collect(java.util.stream.Collectors.toSet()))),
                Map.entry("/health/live", (method, uri) -> AdminReply.ok("{\"live\":true}\n")),
                Map.entry("/health/ready", (method, uri) -> ready ? AdminReply.ok("{\"ready\":true}\n")
                    : new AdminReply(503, "{\"ready\":false,\"state\":\"" +
                    (startedAtNs == 0 ? "starting" : "draining") + "\"}\n")));
            final HealthPage health = new HealthPage(storage, laneByChannel, sessions::size, ringBuffer);
            final MetricsPage metrics = metricsPage();
            admin = bind(Configuration.ADMIN_PORT_PROP_NAME, config.admin().host(), config.adminPort(), "--admin-port",
                () -> new AdminServer(config.admin().host(), config.adminPort(), health::render, metrics::render,
                    routes, adminToken, adminTls));
        }
        if (config.optOut080().enabled())
        {
            optOut080 = bind(OptOut080Settings.PORT, config.optOut080().host(), config.optOut080().port(),
                OptOut080Settings.PORT + "=", () -> OptOut080Receiver.start(config.optOut080(), inbound, clock));
        }
        startedAtNs = System.nanoTime();
        ready = true;
        LOG.info("event=started ingest={}:{} admin={}:{} data_dir={} config=\n{}", config.ingestHost(), ingest.port(),
            config.admin().host(), admin == null ? "off" : admin.port(), config.dataDir(), config.describe());
    }

    /** A lane's journaled runtime rate: a lane no longer configured has nothing to restore; the lane applies it once started. */
    private void restoreLaneRate(final byte channel, final long perSecond, final long burst, final int reservedPercent,
        final long atMs)
    {
        if (channel > 0 && channel < laneByChannel.length && laneByChannel[channel] != null)
        {
            laneByChannel[channel].requestRate(RateSettings.of(perSecond, burst, reservedPercent), atMs);
        }
    }

    private static void checkFree(final String key, final String host, final int port, final String flag) throws Exception
    {
        if (port > 0)
        {
            bind(key, host, port, flag, () ->
            {
                try (java.net.ServerSocket probe = new java.net.ServerSocket())
                {
                    probe.setReuseAddress(true);
                    probe.bind(new java.net.InetSocketAddress(host, port));
                }
                return null;
            });
        }
    }

    /** A server that binds a port. */
    @FunctionalInterface
    private interface Binding<T>
    {
        T bind() throws Exception;
    }

    /** A port another process holds is a setup mistake: one line naming the key and the fix, not a stack trace. */
    private static <T> T bind(final String key, final String host, final int port, final String flag,
        final Binding<T> binding) throws Exception
    {
        try
        {
            return binding.bind();
        }
        catch (final java.net.BindException ex)
        {
            throw new ConfigurationException(key, host + ":" + port + " is taken (" + ex.getMessage() +
                "); stop the process that holds it, or choose a free port with " + flag + " N");
        }
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

    /** How long a journaled inbound event still matters at a start: for its dedup id, or a conversation window. */
    private long inboundWindowMs()
    {
        return Math.max(InboundDedup.WINDOW_MS, Arrays.stream(config.policy().conversationWindowMs()).max().orElse(0));
    }

    /** Per channel with a messenger lane, its template → message tag settings: what the window policy decides with. */
    private Map<ChannelType, Map<String, String>> messageTags()
    {
        final Map<ChannelType, Map<String, String>> tags = new java.util.EnumMap<>(ChannelType.class);
        for (final LaneConfig lane : config.lanes().values())
        {
            if (MessengerConnectorFactory.TYPE.equals(lane.connectorType()))
            {
                tags.put(lane.channel(), MessengerConnectorFactory.tags(lane.connectorSettings()));
            }
        }
        return tags;
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

    /** {@code POST /messages/<id>/delivered}: an app's confirmation, for the lane of the message's channel. */
    private boolean confirmDelivered(final byte channel, final long messageId)
    {
        final ConnectorLane lane = channel > 0 && channel < laneByChannel.length ? laneByChannel[channel] : null;
        return lane != null && lane.confirmDelivered(messageId);
    }

    /**
     * Where {@link #reloadConfig} re-reads the configuration (the file and the command line's overrides, as at
     * start); without one a reload is refused.
     */
    public void configSource(final java.util.function.Supplier<io.dispatch.config.Settings> source)
    {
        configReload.source(source);
    }

    /** Puts the re-read tenants' API keys in force (SIGHUP, {@code POST /config/reload}); see {@link ConfigReload}. */
    public ConfigReload.Result reloadConfig()
    {
        return configReload.reload();
    }

    /** Cluster mode: the dedup keys and cap counters a partition's owner restores (journal thread only). */
    public OwnerState ownerState()
    {
        return ownerState;
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

    /** @return the 080 opt-out webhook's port, -1 when it is off. */
    public int optOut080Port()
    {
        final OptOut080Receiver r = optOut080;
        return r == null ? -1 : r.port();
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

    /** Cluster mode: the history route, to answer cluster ids through their owner (null without an admin port). */
    public MessageHistoryRoute historyRoute()
    {
        return historyRoute;
    }

    /** Cluster mode: appends its metric families to every {@code /metrics} page (called on the admin thread). */
    public void extraMetrics(final java.util.function.Consumer<StringBuilder> families)
    {
        this.extraMetrics = families;
    }

    private void appendExtraMetrics(final StringBuilder sb)
    {
        final AgentRunner pretouch = pretouchRunner;
        if (pretouch != null)
        {
            PrometheusText.family(sb, "dispatch_journal_pretouched_bytes_total", "counter",
                "journal bytes touched ahead of the appender on the pretouch thread (journal.pretouchBytes)");
            PrometheusText.sample(sb, "dispatch_journal_pretouched_bytes_total",
                ((JournalPretoucher)pretouch.agent()).touchedBytes());
        }
        final java.util.function.Consumer<StringBuilder> extra = extraMetrics;
        if (extra != null)
        {
            extra.accept(sb);
        }
    }

    /** {@code /latency}: the ack stage's and each lane's histograms since now (the engine's start). */
    private LatencyRoute latencyRoute()
    {
        final Map<String, ClassLatency> handoff = new java.util.LinkedHashMap<>();
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                handoff.put(lane.name(), lane.metrics().handoffLatency());
            }
        }
        return new LatencyRoute(ackLatency, handoff, System.currentTimeMillis());
    }

    /** The {@code /metrics} page, from the components started by now; read on the admin thread. */
    private MetricsPage metricsPage()
    {
        return new MetricsPage(counters, new MetricsPage.Gauges(sessions::size, scheduler::pending, () ->
        {
            final InboundPublisher in = inbound;
            return in == null ? 0 : in.refused();
        }, () ->
        {
            final AgentRunner streams = streamsRunner;
            return streams == null ? 0 : ((JournalStreams)streams.agent()).size();
        }), ringBuffer, storage, inboundAnswers, ackLatency, e2eLatency, List.of(targeting.metrics()::appendPrometheus,
            marketingShare::appendPrometheus, sb ->
            {
                if (ingest != null && ingest.tls() != null)
                {
                    ingest.tls().appendPrometheus(sb);
                }
            }), laneByChannel, this::appendExtraMetrics);
    }

    /**
     * Journals each configured template whose text is not the last one journaled (new or changed since the last
     * start), before anything is accepted: messages accepted from now on render with it, those before keep theirs.
     */
    private void journalTemplateChanges(final TemplateRegistry templates)
    {
        final JournalWriter writer = journal.newWriter(config.fsync() == DispatcherConfig.FsyncPolicy.BATCH);
        try
        {
            for (int i = 0; i < templates.size(); i++)
            {
                if (!java.util.Arrays.equals(templates.versions().latest(templates.id(i)), templates.text(i)))
                {
                    final long index = writer.appendTemplate(templates.id(i), templates.text(i));
                    if (index == JournalWriter.NO_SPACE)
                    {
                        // accepting now would render new messages with the template's previous text
                        throw new IllegalStateException("journal: no room to record the new text of template."
                            + new String(templates.id(i), java.nio.charset.StandardCharsets.UTF_8)
                            + "; free space on the journal's file system (journal.minFreeBytes) and start again");
                    }
                    templates.versions().add(templates.id(i), index, templates.text(i));
                }
            }
            writer.endOfBatch();
        }
        finally
        {
            writer.close();
        }
    }

    /** @return true while the engine takes new work: started and not draining ({@code /health/ready}). */
    public boolean isReady()
    {
        return ready;
    }

    /**
     * Graceful stop (SIGTERM): readiness turns false; the protocol port stops accepting; every client session
     * gets GOODBYE {@code SHUTTING_DOWN} with {@code drainMs} as its retry hint once its answers are written, and
     * a SUBMIT that still arrives is refused with NACK {@code SHUTTING_DOWN}; the lanes start no more provider
     * calls and wait up to {@code drainMs} for the outcomes of those they made; then {@link #close()} journals
     * those outcomes (the ring drains into the journal) and closes the journal. Whatever was not sent stays
     * pending in the journal for the next start; no message a provider already took is sent again.
     * See docs/design/graceful-drain.md.
     */
    public synchronized void drain(final long drainMs)
    {
        if (ring == null || !ready)
        {
            close();
            return;
        }
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + drainMs * 1_000_000L;
        ready = false;
        // first, so that nothing handed to a lane from here on (the ring, the scheduler, campaigns) is sent:
        // it stays pending in the journal for the next start
        final List<ConnectorLane> lanes = lanes();
        lanes.forEach(ConnectorLane::stopSending);
        ingestContext.shutdown();
        ingest.stopAccepting();
        final int goodbyes = sessions.goodbyeAll(ErrorCode.SHUTTING_DOWN.code(), drainMs);
        closeQuietly(schedulerRunner);
        schedulerRunner = null;
        closeQuietly(targetingRunner);
        targetingRunner = null;
        boolean drained = false;
        while (!(drained = allDrained(lanes)) || sessions.size() > 0)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                break;
            }
            LockSupport.parkNanos(5_000_000L);
        }
        int inFlightLeft = 0;
        int held = 0;
        for (final ConnectorLane lane : lanes)
        {
            inFlightLeft += lane.isDrained() ? 0 : lane.inFlight();
            held += lane.heldForRestart();
        }
        stopSummary = "drain=" + (drained ? "complete" : "timed_out") + " drain_ms=" + (System.nanoTime() - startNs) / 1_000_000 +
            " sessions_told=" + goodbyes + " in_flight_left=" + inFlightLeft + " pending_for_restart=" + held +
            " deferred=" + scheduler.pending();
        close();
    }

    private static boolean allDrained(final List<ConnectorLane> lanes)
    {
        for (final ConnectorLane lane : lanes)
        {
            if (!lane.isDrained())
            {
                return false;
            }
        }
        return true;
    }

    /** Stops accepting, lets the ring drain, stops the lanes and closes the journal. Idempotent. */
    @Override
    public synchronized void close()
    {
        final boolean wasRunning = ring != null && startedAtNs != 0;
        ready = false;
        if (ingestContext != null)
        {
            ingestContext.shutdown();
        }
        closeQuietly(ingest);
        ingest = null;
        closeQuietly(optOut080);
        optOut080 = null;
        // before the ring: a redrive publishes into it
        closeQuietly(redrive);
        redrive = null;
        closeQuietly(schedulerRunner);
        schedulerRunner = null;
        // before the ring: a campaign's fan-out publishes into it; closing writes the directory snapshot
        closeQuietly(targetingRunner);
        targetingRunner = null;
        for (int i = 0; i < laneByChannel.length; i++)
        {
            closeQuietly(laneByChannel[i]);
        }
        // after the lanes (no connector offers any more), before the ring drains what was offered
        closeQuietly(inbound);
        inbound = null;
        if (ring != null && ringBuffer != null)
        {
            closeQuietly(ring);
        }
        ring = null;
        closeQuietly(inboundAnswers);
        closeQuietly(streamsRunner);
        streamsRunner = null;
        closeQuietly(fallbackMessages);
        fallbackMessages = null;
        closeQuietly(ownerState);
        // before the journal: a snapshot in progress reads it (it stops within a few thousand documents)
        closeQuietly(snapshotter);
        snapshotter = null;
        closeQuietly(pretouchRunner);
        pretouchRunner = null;
        closeQuietly(journal);
        journal = null;
        closeQuietly(storageRunner);
        storageRunner = null;
        closeQuietly(admin);
        admin = null;
        closeQuietly(dataDirLock);
        dataDirLock = null;
        if (wasRunning)
        {
            LOG.info("event=stopped data_dir={} {} uptime_s={}", config.dataDir(), stopSummary,
                (System.nanoTime() - startedAtNs) / 1_000_000_000L);
        }
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
