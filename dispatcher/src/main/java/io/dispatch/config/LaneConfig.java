package io.dispatch.config;

import io.dispatch.protocol.ChannelType;

import java.util.Map;

/** Immutable settings of one connector lane (one per channel). */
public record LaneConfig(
    ChannelType channel,
    String connectorType,
    int window,
    int capacity,
    int maxAttempts,
    long retryBaseMs,
    long retryMaxMs,
    long receiptTimeoutMs,
    String idleStrategy,
    Map<String, String> connectorSettings)
{
    static LaneConfig read(final Settings s, final ChannelType channel)
    {
        final String p = Configuration.LANE_PREFIX + channel.name().toLowerCase(java.util.Locale.ROOT) + ".";
        final LaneConfig lane = new LaneConfig(
            channel,
            s.string(p + Configuration.LANE_CONNECTOR, Configuration.LANE_CONNECTOR_DEFAULT),
            s.integer(p + Configuration.LANE_WINDOW, Configuration.LANE_WINDOW_DEFAULT, 1, 65536),
            s.integer(p + Configuration.LANE_CAPACITY, Configuration.LANE_CAPACITY_DEFAULT, 16, 1 << 26),
            s.integer(p + Configuration.LANE_MAX_ATTEMPTS, Configuration.LANE_MAX_ATTEMPTS_DEFAULT, 1, 100),
            s.longValue(p + Configuration.LANE_RETRY_BASE_MS, Configuration.LANE_RETRY_BASE_MS_DEFAULT, 1, 3_600_000),
            s.longValue(p + Configuration.LANE_RETRY_MAX_MS, Configuration.LANE_RETRY_MAX_MS_DEFAULT, 1, 86_400_000),
            s.longValue(p + Configuration.LANE_RECEIPT_TIMEOUT_MS, Configuration.LANE_RECEIPT_TIMEOUT_MS_DEFAULT,
                10, 30L * 86_400_000),
            s.string(p + Configuration.LANE_IDLE, Configuration.LANE_IDLE_DEFAULT),
            connectorSettings(s, p));
        if (lane.retryMaxMs < lane.retryBaseMs)
        {
            throw new ConfigurationException(p + Configuration.LANE_RETRY_MAX_MS, "must be >= retryBaseMs");
        }
        IdleStrategies.validate(p + Configuration.LANE_IDLE, lane.idleStrategy);
        return lane;
    }

    /** Keys under {@code lane.<channel>.connector.} are handed to the connector as its own settings. */
    private static Map<String, String> connectorSettings(final Settings s, final String lanePrefix)
    {
        final String prefix = lanePrefix + Configuration.LANE_CONNECTOR + ".";
        final java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        s.withPrefix(prefix).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return Map.copyOf(out);
    }
}
