package io.dispatch.load;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;

import java.nio.file.Path;

/**
 * Immutable settings of one load-test run, built (and validated once) by {@link Builder#build()}.
 * Validation messages name the command-line flag so {@link ArgsParser} can pass them through unchanged.
 * <p>
 * Timeline: a warm-up of {@link #warmupS()} seconds, then the measured period of {@link #durationS()}
 * seconds; only messages whose intended send time falls in the measured period reach the histograms.
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
    public static final int DEFAULT_PAYLOAD_BYTES = 60;
    public static final int DEFAULT_RECIPIENTS = 100_000;
    public static final int MAX_CONNECTIONS = 256;
    public static final double MAX_RATE = 10_000_000;
    public static final int MAX_RECIPIENTS = 10_000_000;

    private final String host;
    private final int port;
    private final double rate;
    private final int durationS;
    private final int warmupS;
    private final int connections;
    private final Path outDir;
    private final ChannelType channel;
    private final MessageKind kind;
    private final String tenant;
    private final String apiKey;
    private final int payloadBytes;
    private final int recipients;

    private LoadTestConfig(final Builder b)
    {
        host = b.host;
        port = b.port;
        rate = b.rate;
        durationS = b.durationS;
        warmupS = b.warmupS;
        connections = b.connections;
        outDir = b.outDir;
        channel = b.channel;
        kind = b.kind;
        tenant = b.tenant;
        apiKey = b.apiKey;
        payloadBytes = b.payloadBytes;
        recipients = b.recipients;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public String host() { return host; }
    public int port() { return port; }
    /** @return offered rate in messages per second, over all connections together. */
    public double rate() { return rate; }
    /** @return length of the measured period, after the warm-up. */
    public int durationS() { return durationS; }
    public int warmupS() { return warmupS; }
    public int connections() { return connections; }
    /** @return the output folder, or null for {@code ./loadtest-out/<timestamp>}. */
    public Path outDir() { return outDir; }
    public ChannelType channel() { return channel; }
    public MessageKind kind() { return kind; }
    public String tenant() { return tenant; }
    public String apiKey() { return apiKey; }
    public int payloadBytes() { return payloadBytes; }
    public int recipients() { return recipients; }

    @Override
    public String toString()
    {
        return "target=" + host + ':' + port + " tenant=" + tenant + " rate=" + rate + "/s" +
            " connections=" + connections + " warmup=" + warmupS + "s duration=" + durationS + 's' +
            " channel=" + channel + " kind=" + kind + " payload=" + payloadBytes + "B recipients=" + recipients;
    }

    /** Fluent, mutable builder; {@link #build()} checks every range. Not thread-safe. */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private double rate = DEFAULT_RATE;
        private int durationS = DEFAULT_DURATION_S;
        private int warmupS = DEFAULT_WARMUP_S;
        private int connections = DEFAULT_CONNECTIONS;
        private Path outDir;
        private ChannelType channel = ChannelType.SMS;
        private MessageKind kind = MessageKind.INFORMATIONAL;
        private String tenant = DEFAULT_TENANT;
        private String apiKey = DEFAULT_API_KEY;
        private int payloadBytes = DEFAULT_PAYLOAD_BYTES;
        private int recipients = DEFAULT_RECIPIENTS;

        private Builder()
        {
        }

        public Builder host(final String host) { this.host = host; return this; }
        public Builder port(final int port) { this.port = port; return this; }
        public Builder rate(final double rate) { this.rate = rate; return this; }
        public Builder durationS(final int durationS) { this.durationS = durationS; return this; }
        public Builder warmupS(final int warmupS) { this.warmupS = warmupS; return this; }
        public Builder connections(final int connections) { this.connections = connections; return this; }
        public Builder outDir(final Path outDir) { this.outDir = outDir; return this; }
        public Builder channel(final ChannelType channel) { this.channel = channel; return this; }
        public Builder kind(final MessageKind kind) { this.kind = kind; return this; }
        public Builder tenant(final String tenant) { this.tenant = tenant; return this; }
        public Builder apiKey(final String apiKey) { this.apiKey = apiKey; return this; }
        public Builder payloadBytes(final int payloadBytes) { this.payloadBytes = payloadBytes; return this; }
        public Builder recipients(final int recipients) { this.recipients = recipients; return this; }

        /**
         * @throws IllegalArgumentException naming the flag of the first invalid setting.
         */
        public LoadTestConfig build()
        {
            require(host != null && !host.isBlank(), "--host must not be empty");
            require(port > 0 && port <= 65_535, "--port must be 1..65535, got " + port);
            require(rate > 0 && rate <= MAX_RATE, "--rate must be > 0 and <= " + (long)MAX_RATE + ", got " + rate);
            require(durationS > 0, "--duration must be > 0 seconds, got " + durationS);
            require(warmupS >= 0, "--warmup must be >= 0 seconds, got " + warmupS);
            require(connections > 0 && connections <= MAX_CONNECTIONS,
                "--connections must be 1.." + MAX_CONNECTIONS + ", got " + connections);
            require(channel != null, "--channel must be set");
            require(kind != null, "--kind must be set");
            require(tenant != null && !tenant.isEmpty() && tenant.length() <= 255, "--tenant must be 1..255 chars");
            require(apiKey != null && apiKey.length() <= 255, "--api-key must be at most 255 chars");
            // Exactly one of text and template is required, so the text must not be empty.
            require(payloadBytes > 0 && payloadBytes <= SubmitDescriptor.MAX_TEXT_LENGTH,
                "--payload-bytes must be 1.." + SubmitDescriptor.MAX_TEXT_LENGTH + ", got " + payloadBytes);
            require(recipients > 0 && recipients <= MAX_RECIPIENTS,
                "--recipients must be 1.." + MAX_RECIPIENTS + ", got " + recipients);
            return new LoadTestConfig(this);
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
