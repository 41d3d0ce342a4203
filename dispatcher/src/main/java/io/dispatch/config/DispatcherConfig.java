package io.dispatch.config;

import io.dispatch.protocol.ChannelType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable configuration of one engine. Built once from {@link Settings}; every
 * component takes what it needs from here. {@link #describe()} prints the effective values at start.
 */
public record DispatcherConfig(
    String ingestHost,
    int ingestPort,
    int ioThreads,
    int initialCredit,
    int maxFrameLength,
    int receiptBufferRecords,
    int adminPort,
    AdminAccess admin,
    Path dataDir,
    FsyncPolicy fsync,
    String rollCycle,
    int ringSize,
    String waitStrategy,
    int ringConsumerThreads,
    int ringHighWaterPercent,
    int ringMarketingSlots,
    long dedupHorizonMs,
    int statusCapacity,
    int defaultTtlSeconds,
    List<TenantConfig> tenants,
    Map<String, String> templates,
    Map<ChannelType, LaneConfig> lanes,
    PolicyConfig policy,
    List<TenantPolicy> tenantPolicies,
    long directorySnapshotEveryOps,
    long directoryMaxRecipients,
    long journalMinFreeBytes,
    long journalPretouchBytes,
    SessionLimits sessionLimits,
    IngestTlsSettings ingestTls,
    AuthLimits authLimits,
    OptOut080Settings optOut080,
    JournalRetention retention)
{
    /** @return the policy of a tenant id ({@code tenantPolicies} is in the order of {@code tenants}). */
    public TenantPolicy tenantPolicy(final int tenantId)
    {
        for (int i = 0; i < tenants.size(); i++)
        {
            if (tenants.get(i).id() == tenantId)
            {
                return tenantPolicies.get(i);
            }
        }
        throw new IllegalArgumentException("no tenant with id " + tenantId);
    }

    /**
     * @param resolved the same tenants in the same order with their persisted ids
     *                 ({@link io.dispatch.journal.TenantIds}).
     */
    public DispatcherConfig withTenants(final List<TenantConfig> resolved)
    {
        return new DispatcherConfig(ingestHost, ingestPort, ioThreads, initialCredit, maxFrameLength,
            receiptBufferRecords, adminPort, admin, dataDir, fsync, rollCycle, ringSize, waitStrategy,
            ringConsumerThreads, ringHighWaterPercent, ringMarketingSlots, dedupHorizonMs, statusCapacity, defaultTtlSeconds,
            List.copyOf(resolved), templates, lanes, policy, tenantPolicies, directorySnapshotEveryOps,
            directoryMaxRecipients, journalMinFreeBytes, journalPretouchBytes, sessionLimits, ingestTls, authLimits, optOut080, retention);
    }

    /** When the journal forces its pages to disk. */
    public enum FsyncPolicy
    {
        /** Page cache only: survives a process crash, not a power loss. */
        NONE,
        /** fsync once per ring batch before the batch is acked: survives power loss. */
        BATCH
    }

    public static final List<String> WAIT_STRATEGIES =
        List.of("blocking", "liteblocking", "phased", "sleeping", "yielding", "busyspin");

    public static DispatcherConfig from(final Settings s)
    {
        final String fsync = s.string(Configuration.JOURNAL_FSYNC_PROP_NAME, Configuration.JOURNAL_FSYNC_DEFAULT);
        final FsyncPolicy policy;
        switch (fsync)
        {
            case "none": policy = FsyncPolicy.NONE; break;
            case "batch": policy = FsyncPolicy.BATCH; break;
            default: throw new ConfigurationException(Configuration.JOURNAL_FSYNC_PROP_NAME, "'" + fsync + "' is not none or batch");
        }
        final String wait = s.string(Configuration.RING_WAIT_STRATEGY_PROP_NAME, Configuration.RING_WAIT_STRATEGY_DEFAULT);
        if (!WAIT_STRATEGIES.contains(wait))
        {
            throw new ConfigurationException(Configuration.RING_WAIT_STRATEGY_PROP_NAME,
                "'" + wait + "' is not one of " + String.join(", ", WAIT_STRATEGIES));
        }
        final int ringSize = s.integer(Configuration.RING_SIZE_PROP_NAME, Configuration.RING_SIZE_DEFAULT, 64, 1 << 24);
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new ConfigurationException(Configuration.RING_SIZE_PROP_NAME, ringSize + " is not a power of two");
        }
        final String rollCycle = s.string(Configuration.JOURNAL_ROLL_CYCLE_PROP_NAME, Configuration.JOURNAL_ROLL_CYCLE_DEFAULT);
        try
        {
            net.openhft.chronicle.queue.RollCycles.valueOf(rollCycle);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(Configuration.JOURNAL_ROLL_CYCLE_PROP_NAME,
                "'" + rollCycle + "' is not a Chronicle RollCycles name (e.g. FAST_DAILY, FAST_HOURLY)");
        }

        final Map<ChannelType, LaneConfig> lanes = new EnumMap<>(ChannelType.class);
        for (final ChannelType c : ChannelType.values())
        {
            lanes.put(c, LaneConfig.read(s, c));
        }
        requireAcyclicFallbacks(lanes);
        final Map<String, String> templates = new LinkedHashMap<>();
        s.withPrefix(Configuration.TEMPLATE_PREFIX).forEach(
            (k, v) -> templates.put(k.substring(Configuration.TEMPLATE_PREFIX.length()), v));
        if (templates.isEmpty())
        {
            templates.putAll(Configuration.DEFAULT_TEMPLATES);
        }

        final int adminPort =
            s.integer(Configuration.ADMIN_PORT_PROP_NAME, Configuration.ADMIN_PORT_DEFAULT, -1, 65535);
        return new DispatcherConfig(
            s.string(Configuration.INGEST_HOST_PROP_NAME, Configuration.INGEST_HOST_DEFAULT),
            s.integer(Configuration.INGEST_PORT_PROP_NAME, Configuration.INGEST_PORT_DEFAULT, 0, 65535),
            s.integer(Configuration.INGEST_IO_THREADS_PROP_NAME, Configuration.INGEST_IO_THREADS_DEFAULT, 1, 64),
            s.integer(Configuration.INGEST_INITIAL_CREDIT_PROP_NAME, Configuration.INGEST_INITIAL_CREDIT_DEFAULT, 1, 1 << 20),
            s.integer(Configuration.INGEST_MAX_FRAME_LENGTH_PROP_NAME, Configuration.INGEST_MAX_FRAME_LENGTH_DEFAULT,
                64 * 1024, 64 << 20),
            s.integer(Configuration.INGEST_RECEIPT_BUFFER_PROP_NAME, Configuration.INGEST_RECEIPT_BUFFER_DEFAULT,
                1024, 1 << 22),
            adminPort,
            AdminAccess.read(s, adminPort),
            Path.of(s.string(Configuration.DATA_DIR_PROP_NAME, Configuration.DATA_DIR_DEFAULT)),
            policy,
            rollCycle,
            ringSize,
            wait,
            s.integer(Configuration.RING_CONSUMER_THREADS_PROP_NAME, Configuration.RING_CONSUMER_THREADS_DEFAULT, 1, 2),
            s.integer(Configuration.RING_HIGH_WATER_PERCENT_PROP_NAME, Configuration.RING_HIGH_WATER_PERCENT_DEFAULT, 10, 90),
            s.integer(Configuration.RING_MARKETING_SLOTS_PROP_NAME, Configuration.RING_MARKETING_SLOTS_DEFAULT, 0, 1 << 24),
            s.longValue(Configuration.DEDUP_HORIZON_HOURS_PROP_NAME, Configuration.DEDUP_HORIZON_HOURS_DEFAULT, 0, 24 * 90)
                * 3_600_000L,
            s.integer(Configuration.STATUS_CAPACITY_PROP_NAME, Configuration.STATUS_CAPACITY_DEFAULT, 1024, 1 << 28),
            s.integer(Configuration.MESSAGE_DEFAULT_TTL_PROP_NAME, Configuration.MESSAGE_DEFAULT_TTL_DEFAULT, 1, 60 * 86_400),
            TenantConfig.readAll(s),
            Map.copyOf(templates),
            lanes,
            PolicyConfig.read(s),
            tenantPolicies(s),
            s.longValue(Configuration.DIRECTORY_SNAPSHOT_EVERY_OPS_PROP_NAME,
                Configuration.DIRECTORY_SNAPSHOT_EVERY_OPS_DEFAULT, 1000, Long.MAX_VALUE),
            s.longValue(Configuration.DIRECTORY_MAX_RECIPIENTS_PROP_NAME, 0, 0, Integer.MAX_VALUE),
            s.longValue(Configuration.JOURNAL_MIN_FREE_BYTES_PROP_NAME, Configuration.JOURNAL_MIN_FREE_BYTES_DEFAULT,
                0, Long.MAX_VALUE),
            s.longValue(Configuration.JOURNAL_PRETOUCH_BYTES_PROP_NAME, Configuration.JOURNAL_PRETOUCH_BYTES_DEFAULT,
                0, Configuration.JOURNAL_PRETOUCH_BYTES_MAX),
            SessionLimits.read(s),
            IngestTlsSettings.read(s),
            AuthLimits.read(s),
            OptOut080Settings.read(s),
            JournalRetention.read(s));
    }

    private static List<TenantPolicy> tenantPolicies(final Settings s)
    {
        final List<TenantPolicy> out = new ArrayList<>();
        for (final TenantConfig t : TenantConfig.readAll(s))
        {
            out.add(TenantPolicy.read(s, t.name()));
        }
        return List.copyOf(out);
    }

    /** A chain chat → sms → chat would pass a message around forever. */
    private static void requireAcyclicFallbacks(final Map<ChannelType, LaneConfig> lanes)
    {
        for (final ChannelType start : lanes.keySet())
        {
            ChannelType at = start;
            for (int hops = 0; at != null; hops++)
            {
                at = lanes.get(at).fallback().target();
                if (at == start || hops > lanes.size())
                {
                    throw new ConfigurationException(Configuration.LANE_PREFIX + start.name().toLowerCase(java.util.Locale.ROOT)
                        + "." + Configuration.LANE_FALLBACK, "the fallback chain comes back to " + start);
                }
            }
        }
    }

    /** The effective configuration, secrets masked, one key per line. */
    public String describe()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("ingest " + ingestHost + ":" + ingestPort + " ioThreads=" + ioThreads + " initialCredit=" + initialCredit
            + " maxFrameLength=" + maxFrameLength + " " + ingestTls.describe());
        lines.add("ingest limits " + sessionLimits.describe() + " " + authLimits.describe());
        lines.add(optOut080.describe());
        lines.add("admin " + admin.host() + ":" + adminPort + " token=" + (admin.token() == null
            ? "generated into " + dataDir.resolve("admin.token").toAbsolutePath() : "****") + (admin.tls()
            ? " https cert=" + admin.tlsCertFile() + " key=" + admin.tlsKeyFile() : " http"));
        lines.add("journal dir=" + dataDir.resolve("journal").toAbsolutePath() + " fsync=" + fsync + " rollCycle=" + rollCycle
            + " " + retention.describe()
            + " minFreeBytes=" + journalMinFreeBytes + " pretouchBytes=" + journalPretouchBytes);
        lines.add("ring size=" + ringSize + " waitStrategy=" + waitStrategy + " consumerThreads=" + ringConsumerThreads
            + " highWater=" + ringHighWaterPercent + "% marketingSlots="
            + (ringMarketingSlots == 0 ? "unlimited" : Integer.toString(ringMarketingSlots)));
        lines.add("dedup horizon=" + dedupHorizonMs / 3_600_000L + "h statusCapacity=" + statusCapacity
            + " defaultTtl=" + defaultTtlSeconds + "s");
        for (final TenantConfig t : tenants)
        {
            lines.add("tenant " + t.name() + " id=" + t.id() + " " + t.describeKeys() + " " + tenantPolicy(t.id()).describe());
        }
        lines.add(policy.describe());
        lines.add("templates " + templates.keySet());
        for (final LaneConfig l : lanes.values())
        {
            lines.add("lane " + l.channel() + " connector=" + l.connectorType() + " window=" + l.window()
                + " capacity=" + l.capacity() + " maxAttempts=" + l.maxAttempts() + " retry=" + l.retryBaseMs() + ".."
                + l.retryMaxMs() + "ms receiptTimeout=" + l.receiptTimeoutMs() + "ms idle=" + l.idleStrategy()
                + " settings=" + l.connectorSettings().keySet());
            lines.add("lane " + l.channel() + " rate=" + (l.rate().unlimited() ? "unlimited" : l.rate().perSecond() + "/s burst="
                + l.rate().burst()) + " reserved=" + l.rate().reservedPercent() + "% throttle=" + l.throttle()
                + " breaker=" + l.breaker() + " fallback=" + (l.fallback().enabled()
                ? l.fallback().target() + " on " + l.fallback().reasons() + " after=" + l.fallback().afterMs() + "ms"
                + " undelivered=" + l.fallback().undeliveredMs() + "ms" : "none")
                + " deadLetterBuffer=" + l.deadLetterBuffer());
        }
        return String.join(System.lineSeparator(), lines);
    }
}
