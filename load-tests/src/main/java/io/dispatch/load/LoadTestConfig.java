package io.dispatch.load;

import io.dispatch.load.scenario.Payload;
import io.dispatch.load.scenario.RateProfile;
import io.dispatch.load.scenario.Recipients;
import io.dispatch.load.scenario.SaturationSpec;
import io.dispatch.load.scenario.Slo;
import io.dispatch.load.scenario.StreamSpec;
import io.dispatch.load.scenario.CampaignReader;
import io.dispatch.load.scenario.CampaignSpec;
import io.dispatch.load.scenario.StreamsReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Immutable settings of one load-test run, built (and validated once) by {@link Builder#build()}. A run
 * offers one or more {@link StreamSpec streams}; without a scenario file it is the single stream "main"
 * made from {@code --rate --kind --channel --payload-bytes --recipients}. Validation messages name the
 * flag or the scenario key and line (see {@link ScenarioSettings}).
 * <p>
 * Timeline: a warm-up of {@link #warmupS()} seconds, then the measured period of {@link #durationS()}
 * seconds; only messages whose intended send time falls in the measured period reach the histograms.
 * Stream start and stop times are on this timeline, warm-up included.
 * <p>
 * <b>Threading:</b> immutable, safe to share.
 */
public final class LoadTestConfig
{
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7700;
    public static final double DEFAULT_RATE = 1_000;
    public static final int DEFAULT_DURATION_S = 30;
    public static final int DEFAULT_WARMUP_S = 5;
    public static final int DEFAULT_CONNECTIONS = 4;
    public static final String DEFAULT_TENANT = "demo";
    public static final String DEFAULT_API_KEY = "demo-key";
    public static final int DEFAULT_PAYLOAD_BYTES = StreamsReader.DEFAULT_PAYLOAD_BYTES;
    public static final int DEFAULT_RECIPIENTS = StreamsReader.DEFAULT_POOL;
    public static final long DEFAULT_SEED = 42;
    public static final int MAX_CONNECTIONS = 256;
    public static final double MAX_RATE = 10_000_000;
    public static final int MAX_RECIPIENTS = 10_000_000;

    /** Where the engine under test runs. */
    public enum EngineMode
    {
        /** Already running at {@code host:port} (scripts/dispatcher, possibly on another machine). */
        EXTERNAL,
        /** Started inside the generator's JVM for the run, with the scenario's engine settings. */
        EMBEDDED
    }

    private final String name;
    private final String host;
    private final int port;
    private final int durationS;
    private final int warmupS;
    private final int connections;
    private final ConnectionPlan connectionPlan;
    private final Path outDir;
    private final String tenant;
    private final String apiKey;
    private final boolean tls;
    private final Path tlsCaFile;
    private final Path tlsCertFile;
    private final Path tlsKeyFile;
    private final java.net.URI metricsUrl;
    private final long seed;
    private final EngineMode engineMode;
    private final Map<String, String> engineSettings;
    private final List<StreamSpec> streams;
    private final Slo slo;
    private final SaturationSpec saturation;
    private final double rate;
    // The inputs the streams were built from, so a saturation step can rebuild them on its own timeline.
    private final ChannelType singleChannel;
    private final MessageKind singleKind;
    private final int singlePayloadBytes;
    private final int singleRecipients;
    private final double singleRate;
    private final boolean rateSet;
    private final StreamsReader streamSettings;
    private final CampaignReader campaignSettings;
    private final CampaignSpec campaign;

    private LoadTestConfig(final Builder b, final List<StreamSpec> streams, final CampaignSpec campaign)
    {
        name = b.name;
        host = b.host;
        port = b.port;
        durationS = b.durationS;
        warmupS = b.warmupS;
        connections = b.connections;
        connectionPlan = ConnectionPlan.of(streams, connections);
        outDir = b.outDir;
        tenant = b.tenant;
        apiKey = b.apiKey;
        tls = b.tls;
        tlsCaFile = b.tlsCaFile;
        tlsCertFile = b.tlsCertFile;
        tlsKeyFile = b.tlsKeyFile;
        metricsUrl = b.metricsUrl;
        seed = b.seed;
        engineMode = b.engineMode;
        engineSettings = Collections.unmodifiableMap(new LinkedHashMap<>(b.engineSettings));
        this.streams = Collections.unmodifiableList(new ArrayList<>(streams));
        slo = b.slo;
        saturation = b.saturation;
        rate = measuredRate(streams, warmupS, durationS);
        singleChannel = b.channel;
        singleKind = b.kind;
        singlePayloadBytes = b.payloadBytes;
        singleRecipients = b.recipients;
        singleRate = b.rate;
        rateSet = b.rateSet;
        streamSettings = b.streamSettings;
        campaignSettings = b.campaignSettings;
        this.campaign = campaign;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the scenario's name ("flags" when the run was set up by flags alone). */
    public String name() { return name; }
    public String host() { return host; }
    public int port() { return port; }
    /** @return the mean offered rate over the measured period, all streams and connections together. */
    public double rate() { return rate; }
    /** @return length of the measured period, after the warm-up. */
    public int durationS() { return durationS; }
    public int warmupS() { return warmupS; }
    /** @return the connections the streams without {@code stream.NAME.connections} share. */
    public int connections() { return connections; }
    /** @return every connection of the run and the streams each carries. */
    public ConnectionPlan connectionPlan() { return connectionPlan; }
    /** @return the output folder, or null for {@code ./loadtest-out/<timestamp>}. */
    public Path outDir() { return outDir; }
    public String tenant() { return tenant; }
    public String apiKey() { return apiKey; }
    /** @return whether the clients connect over TLS (--tls, or implied by --ca or --cert). */
    public boolean tls() { return tls; }
    /** @return PEM CA file of the engine's certificate, or null for the JDK's default trust store. */
    public Path tlsCaFile() { return tlsCaFile; }
    /** @return PEM client certificate for mutual TLS, or null. */
    public Path tlsCertFile() { return tlsCertFile; }
    /** @return PKCS#8 PEM key of {@link #tlsCertFile()}, or null. */
    public Path tlsKeyFile() { return tlsKeyFile; }
    /** @return the engine's {@code /metrics} page, read before and after the run (--metrics-url), or null. */
    public java.net.URI metricsUrl() { return metricsUrl; }
    public long seed() { return seed; }
    public EngineMode engineMode() { return engineMode; }
    /** @return dispatcher configuration keys for the engine under test (sim.* and engine.* of the scenario). */
    public Map<String, String> engineSettings() { return engineSettings; }
    public List<StreamSpec> streams() { return streams; }
    /** @return the engine-side campaign the run starts (campaign.*), or null. */
    public CampaignSpec campaign() { return campaign; }
    /** @return the latency objective, or null. */
    public Slo slo() { return slo; }
    /** @return the saturation sweep, or null for a single run. */
    public SaturationSpec saturation() { return saturation; }

    /** @return the classes the streams send, in enum order. */
    public Set<MessageKind> kinds()
    {
        final Set<MessageKind> kinds = EnumSet.noneOf(MessageKind.class);
        streams.forEach(s -> kinds.add(s.kind()));
        return kinds;
    }

    /** @return the run's length (warm-up + measured) in nanoseconds: the streams' timeline. */
    public long timelineNs()
    {
        return TimeUnit.SECONDS.toNanos((long)warmupS + durationS);
    }

    /**
     * @return the same run with every stream's rate multiplied so the measured mean is {@code totalRate},
     * and the given warm-up and duration (a saturation step); no saturation of its own.
     */
    public LoadTestConfig forStep(final double totalRate, final int stepWarmupS, final int stepDurationS, final Path dir)
    {
        final Builder b = copy();
        b.warmupS = stepWarmupS;
        b.durationS = stepDurationS;
        b.outDir = dir;
        b.saturation = null;
        b.rateOverride = totalRate;
        return b.build();
    }

    /** @return the same run against {@code host:port} (the embedded engine's ephemeral port). */
    public LoadTestConfig withTarget(final String targetHost, final int targetPort)
    {
        final Builder b = copy();
        b.host = targetHost;
        b.port = targetPort;
        return b.build();
    }

    /**
     * @return the engine settings as {@code scripts/dispatcher} flags, one {@code --set KEY=VALUE} per line,
     * single-quoted when the value holds a space or shell character (so {@code | xargs scripts/dispatcher} works).
     */
    public String engineArgs()
    {
        final StringBuilder sb = new StringBuilder();
        engineSettings.forEach((k, v) ->
        {
            final String kv = k + '=' + v;
            sb.append("--set ").append(kv.matches("[A-Za-z0-9._,:/=+-]*") ? kv : "'" + kv.replace("'", "'\\''") + "'")
                .append('\n');
        });
        return sb.toString();
    }

    private Builder copy()
    {
        final Builder b = new Builder();
        b.name = name;
        b.host = host;
        b.port = port;
        b.durationS = durationS;
        b.warmupS = warmupS;
        b.connections = connections;
        b.outDir = outDir;
        b.tenant = tenant;
        b.apiKey = apiKey;
        b.tls = tls;
        b.tlsCaFile = tlsCaFile;
        b.tlsCertFile = tlsCertFile;
        b.tlsKeyFile = tlsKeyFile;
        b.metricsUrl = metricsUrl;
        b.seed = seed;
        b.engineMode = engineMode;
        b.engineSettings.putAll(engineSettings);
        b.slo = slo;
        b.saturation = saturation;
        b.channel = singleChannel;
        b.kind = singleKind;
        b.payloadBytes = singlePayloadBytes;
        b.recipients = singleRecipients;
        b.rate = singleRate;
        b.rateSet = rateSet;
        b.streamSettings = streamSettings;
        b.campaignSettings = campaignSettings;
        return b;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("scenario=").append(name)
            .append(" target=").append(engineMode == EngineMode.EMBEDDED ? "embedded" : host + ':' + port)
            .append(" tenant=").append(tenant)
            .append(" rate=").append(String.format(Locale.ROOT, "%.1f", rate)).append("/s")
            .append(" connections=").append(connections)
            .append(" warmup=").append(warmupS).append("s duration=").append(durationS).append('s');
        for (final StreamSpec s : streams)
        {
            sb.append(" stream ").append(s);
        }
        if (campaign != null)
        {
            sb.append(' ').append(campaign);
        }
        if (slo != null)
        {
            sb.append(" slo=").append(slo);
        }
        return sb.toString();
    }

    private static double measuredRate(final List<StreamSpec> streams, final int warmupS, final int durationS)
    {
        final long warmupEndNs = TimeUnit.SECONDS.toNanos(warmupS);
        final long endNs = warmupEndNs + TimeUnit.SECONDS.toNanos(durationS);
        double count = 0;
        for (final StreamSpec s : streams)
        {
            count += s.profile().countAt(endNs) - s.profile().countAt(warmupEndNs);
        }
        return count / durationS;
    }

    /** Fluent, mutable builder; {@link #build()} checks every range. Not thread-safe. */
    public static final class Builder
    {
        private String name = "flags";
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private double rate = DEFAULT_RATE;
        private boolean rateSet;
        private double rateOverride = Double.NaN;
        private int durationS = DEFAULT_DURATION_S;
        private int warmupS = DEFAULT_WARMUP_S;
        private int connections = DEFAULT_CONNECTIONS;
        private Path outDir;
        private ChannelType channel = ChannelType.SMS;
        private MessageKind kind = MessageKind.INFORMATIONAL;
        private String tenant = DEFAULT_TENANT;
        private String apiKey = DEFAULT_API_KEY;
        private boolean tls;
        private Path tlsCaFile;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private java.net.URI metricsUrl;
        private int payloadBytes = DEFAULT_PAYLOAD_BYTES;
        private int recipients = DEFAULT_RECIPIENTS;
        private long seed = DEFAULT_SEED;
        private EngineMode engineMode = EngineMode.EXTERNAL;
        private final Map<String, String> engineSettings = new LinkedHashMap<>();
        private StreamsReader streamSettings = new StreamsReader();
        private CampaignReader campaignSettings = new CampaignReader();
        private Slo slo;
        private SaturationSpec saturation;

        private Builder()
        {
        }

        public Builder name(final String name) { this.name = name; return this; }
        public String name() { return name; }
        public Builder host(final String host) { this.host = host; return this; }
        public Builder port(final int port) { this.port = port; return this; }
        /** Without streams: the rate of the single stream; with streams: scales them to this measured mean. */
        public Builder rate(final double rate) { this.rate = rate; rateSet = true; return this; }
        public Builder durationS(final int durationS) { this.durationS = durationS; return this; }
        public Builder warmupS(final int warmupS) { this.warmupS = warmupS; return this; }
        public Builder connections(final int connections) { this.connections = connections; return this; }
        public Builder outDir(final Path outDir) { this.outDir = outDir; return this; }
        public Builder channel(final ChannelType channel) { this.channel = channel; return this; }
        public Builder kind(final MessageKind kind) { this.kind = kind; return this; }
        public Builder tenant(final String tenant) { this.tenant = tenant; return this; }
        public Builder apiKey(final String apiKey) { this.apiKey = apiKey; return this; }
        public Builder tls(final boolean tls) { this.tls = tls; return this; }
        public Builder tlsCaFile(final Path file) { this.tlsCaFile = file; tls = true; return this; }
        public Builder tlsCertFile(final Path file) { this.tlsCertFile = file; tls = true; return this; }
        public Builder tlsKeyFile(final Path file) { this.tlsKeyFile = file; tls = true; return this; }
        public Builder metricsUrl(final java.net.URI url) { this.metricsUrl = url; return this; }
        public Builder payloadBytes(final int payloadBytes) { this.payloadBytes = payloadBytes; return this; }
        public Builder recipients(final int recipients) { this.recipients = recipients; return this; }
        public Builder seed(final long seed) { this.seed = seed; return this; }
        public Builder engineMode(final EngineMode mode) { this.engineMode = mode; return this; }
        public Builder engineSetting(final String key, final String value) { engineSettings.put(key, value); return this; }
        public Builder slo(final Slo slo) { this.slo = slo; return this; }
        public Builder saturation(final SaturationSpec saturation) { this.saturation = saturation; return this; }

        /** The {@code stream.*} settings, interpreted in {@link #build()} once the timeline is final. */
        public StreamsReader streamSettings() { return streamSettings; }

        /** The {@code campaign.*} settings, interpreted in {@link #build()} once the timeline is final. */
        public CampaignReader campaignSettings() { return campaignSettings; }

        /**
         * @throws IllegalArgumentException naming the flag or key of the first invalid setting.
         */
        public LoadTestConfig build()
        {
            require(host != null && !host.isBlank(), "--host must not be empty");
            require(port >= 0 && port <= 65_535, "--port must be 1..65535, got " + port);
            require(durationS > 0, "--duration must be > 0 seconds, got " + durationS);
            require(warmupS >= 0, "--warmup must be >= 0 seconds, got " + warmupS);
            require(connections > 0 && connections <= MAX_CONNECTIONS,
                "--connections must be 1.." + MAX_CONNECTIONS + ", got " + connections);
            require(tenant != null && !tenant.isEmpty() && tenant.length() <= 255, "--tenant must be 1..255 chars");
            require(apiKey != null && apiKey.length() <= 255, "--api-key must be at most 255 chars");
            require((tlsCertFile == null) == (tlsKeyFile == null), "--cert and --cert-key go together");
            require(!rateSet || (rate > 0 && rate <= MAX_RATE),
                "--rate must be > 0 and <= " + (long)MAX_RATE + ", got " + rate);
            final long timelineNs = TimeUnit.SECONDS.toNanos((long)warmupS + durationS);
            require(port > 0 || engineMode == EngineMode.EMBEDDED, "--port must be 1..65535, got " + port);
            List<StreamSpec> streams = streamSettings.isEmpty() ?
                List.of(singleStream(timelineNs)) : streamSettings.build(timelineNs);
            final double target = !Double.isNaN(rateOverride) ? rateOverride :
                rateSet && !streamSettings.isEmpty() ? rate : Double.NaN;
            if (!Double.isNaN(target))
            {
                final double current = measuredRate(streams, warmupS, durationS);
                require(current > 0, "--rate cannot scale a scenario that offers nothing in the measured period");
                final List<StreamSpec> scaled = new ArrayList<>();
                for (final StreamSpec s : streams)
                {
                    scaled.add(s.scaled(target / current));
                }
                streams = scaled;
            }
            for (final StreamSpec s : streams)
            {
                require(s.profile().peakRate() <= MAX_RATE, "stream." + s.name() + ".rate peaks above " +
                    (long)MAX_RATE + "/s");
            }
            final int total = ConnectionPlan.of(streams, connections).connections();
            require(total <= MAX_CONNECTIONS, "a run opens at most " + MAX_CONNECTIONS + " connections; " +
                "connections plus every stream.NAME.connections come to " + total);
            return new LoadTestConfig(this, streams, campaignSettings.build(timelineNs));
        }

        private StreamSpec singleStream(final long timelineNs)
        {
            require(rate > 0 && rate <= MAX_RATE, "--rate must be > 0 and <= " + (long)MAX_RATE + ", got " + rate);
            require(channel != null, "--channel must be set");
            require(kind != null, "--kind must be set");
            // Exactly one of text and template is required, so the text must not be empty.
            require(payloadBytes > 0 && payloadBytes <= SubmitDescriptor.MAX_TEXT_LENGTH,
                "--payload-bytes must be 1.." + SubmitDescriptor.MAX_TEXT_LENGTH + ", got " + payloadBytes);
            require(recipients > 0 && recipients <= MAX_RECIPIENTS,
                "--recipients must be 1.." + MAX_RECIPIENTS + ", got " + recipients);
            final RateProfile profile = RateProfile.constant(rate, timelineNs);
            return new StreamSpec("main", kind, new ChannelType[] {channel}, new int[] {1}, profile,
                Recipients.sequential(recipients), Payload.fixed(payloadBytes), recipients);
        }

        /** @return true when the run's streams come from stream.* settings rather than the single-stream flags. */
        public boolean hasStreamSettings()
        {
            return !streamSettings.isEmpty();
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
