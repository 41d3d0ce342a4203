package io.dispatch.ingest;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.AdMarkingMode;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.DiskSpaceWatcher;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPorts;
import io.dispatch.status.Counters;
import io.dispatch.status.LaneAdmission;
import io.dispatch.stream.JournalStreams;
import io.dispatch.targeting.TargetingConductor;
import org.agrona.concurrent.EpochClock;

/**
 * What every ingest session shares. Immutable apart from the shutdown flag: every part, optional ones included, is
 * given at construction, before the server binds; thread-safe.
 */
public final class IngestContext
{
    /**
     * Cluster mode's seams into ingest ({@code ClusterHooks}); every part null on a single node.
     *
     * @param intake    where client SUBMITs go instead of the ring.
     * @param router    STATUS and CANCEL of the cluster's message ids.
     * @param targeting where directory and campaign frames go.
     */
    public record ClusterSeams(SubmitIntake intake, RequestRouter router, io.dispatch.targeting.ClusterTargeting targeting)
    {
        public static final ClusterSeams NONE = new ClusterSeams(null, null, null);
    }

    final RingBuffer<DispatchEvent> ring;
    final LaneAdmission[] admissionByChannel;
    final TenantRegistry tenants;
    final HelloAuthenticator authenticator;
    final TemplateRegistry templates;
    final SessionRegistry sessions;
    final Counters counters;
    final int initialCredit;
    final int maxFrameLength;
    final int receiptBufferRecords;
    /** Who may claim ring slots while how many are free; sessions claim through {@link RingPorts#ingest()}. */
    final RingPorts ports;
    final EpochClock clock;
    final long maxScheduleAheadMs;
    /**
     * By channel code: the longest per-message receipt deadline ({@code fallback.undeliveredMs}) a SUBMIT may name,
     * below the lane's {@code receiptTimeoutMs}; 0 where the lane has no receipt deadline to override.
     */
    final long[] maxFallbackDeadlineMs = new long[io.dispatch.protocol.ChannelType.CODES];
    /** Per channel code. */
    final AdMarkingMode[] adMarking;
    /** Per tenant id: the opt-out footer added to marketing text, or null. */
    final byte[][] optOutFooters;
    /** The recipient directory's and campaigns' thread: DIRECTORY_UPDATE and campaign frames go there. */
    final TargetingConductor targeting;
    /** Cluster mode's intake of client SUBMITs; null on a single node. */
    final SubmitIntake intake;
    /** Cluster mode's STATUS and CANCEL of cluster ids; null on a single node. */
    final RequestRouter router;
    /** Cluster mode's directory and campaign requests; null on a single node. */
    final io.dispatch.targeting.ClusterTargeting clusterTargeting;
    /** Serves resumed receipt subscriptions and inbound subscriptions. */
    final JournalStreams streams;
    /** While it reports the journal's disk full, a SUBMIT is NACKed STORAGE_FULL; null: never. */
    private final DiskSpaceWatcher storage;
    private volatile boolean shuttingDown;

    public IngestContext(
        final DispatcherConfig config,
        final RingBuffer<DispatchEvent> ring,
        final RingPorts ports,
        final LaneAdmission[] admissionByChannel,
        final TenantRegistry tenants,
        final TemplateRegistry templates,
        final SessionRegistry sessions,
        final Counters counters,
        final EpochClock clock,
        final TargetingConductor targeting,
        final JournalStreams streams,
        final DiskSpaceWatcher storage,
        final ClusterSeams cluster)
    {
        this.targeting = targeting;
        this.streams = streams;
        this.storage = storage;
        this.intake = cluster.intake();
        this.router = cluster.router();
        this.clusterTargeting = cluster.targeting();
        this.clock = clock;
        this.maxScheduleAheadMs = config.policy().maxScheduleAheadMs();
        for (final io.dispatch.config.LaneConfig lane : config.lanes().values())
        {
            if (lane.fallback().undeliveredMs() > 0)
            {
                maxFallbackDeadlineMs[lane.channel().code()] = lane.receiptTimeoutMs() - 1;
            }
        }
        this.adMarking = config.policy().adMarking();
        this.optOutFooters = new byte[TenantConfig.MAX_TENANTS][];
        for (final TenantConfig t : config.tenants())
        {
            final String footer = config.tenantPolicy(t.id()).optOutFooter();
            optOutFooters[t.id()] = footer == null ? null : footer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        this.ring = ring;
        this.admissionByChannel = admissionByChannel;
        this.tenants = tenants;
        this.authenticator = new HelloAuthenticator(tenants, config.tenants(), config.authLimits(), counters, clock);
        this.templates = templates;
        this.sessions = sessions;
        this.counters = counters;
        this.initialCredit = config.initialCredit();
        this.maxFrameLength = config.maxFrameLength();
        this.receiptBufferRecords = config.receiptBufferRecords();
        this.ports = ports;
    }

    /** Cluster mode: the sessions, whose receipts a cluster node delivers from its status topic reader. */
    public SessionRegistry sessions()
    {
        return sessions;
    }

    /** @return a publisher for SUBMITs accepted elsewhere, for one thread. */
    public AcceptedPublisher acceptedPublisher()
    {
        return new AcceptedPublisher(this);
    }

    /**
     * True while the ring is above half its high-water mark or a lane is nearly full for the connection's
     * traffic: credit is withheld. A connection that sent only informational and auth messages is measured
     * against their share, so marketing that fills its own share does not stop it ({@link LaneAdmission}).
     */
    boolean underPressure(final boolean priorityOnly)
    {
        if (!ports.credit().hasRoom(ring))
        {
            return true;
        }
        for (final LaneAdmission a : admissionByChannel)
        {
            if (a != null && a.isAboveHighWater(priorityOnly))
            {
                return true;
            }
        }
        return false;
    }

    public void shutdown()
    {
        shuttingDown = true;
    }

    boolean isShuttingDown()
    {
        return shuttingDown;
    }

    boolean isStorageFull()
    {
        return storage != null && storage.isFull();
    }
}
