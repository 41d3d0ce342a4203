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
    Map<String, String> connectorSettings,
    RateSettings rate,
    ThrottleSettings throttle,
    BreakerSettings breaker,
    FallbackSettings fallback,
    int deadLetterBuffer,
    boolean orderAuthWithInformational)
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
            connectorSettings(s, p),
            RateSettings.of(
                s.longValue(p + Configuration.LANE_RATE_PER_SECOND, Configuration.LANE_RATE_PER_SECOND_DEFAULT, 0,
                    RateSettings.MAX_PER_SECOND),
                s.longValue(p + Configuration.LANE_RATE_BURST, Configuration.LANE_RATE_BURST_DEFAULT, 0,
                    RateSettings.MAX_PER_SECOND),
                s.integer(p + Configuration.LANE_RESERVED_PERCENT, Configuration.LANE_RESERVED_PERCENT_DEFAULT, 0, 100)),
            new ThrottleSettings(
                s.integer(p + Configuration.LANE_THROTTLE_CUT_PERCENT, Configuration.LANE_THROTTLE_CUT_PERCENT_DEFAULT, 1, 99),
                s.integer(p + Configuration.LANE_THROTTLE_FLOOR_PERCENT, Configuration.LANE_THROTTLE_FLOOR_PERCENT_DEFAULT,
                    1, 100),
                s.integer(p + Configuration.LANE_THROTTLE_RECOVERY_PERCENT_PER_SECOND,
                    Configuration.LANE_THROTTLE_RECOVERY_PERCENT_PER_SECOND_DEFAULT, 1, 100),
                s.longValue(p + Configuration.LANE_THROTTLE_PAUSE_MS, Configuration.LANE_THROTTLE_PAUSE_MS_DEFAULT,
                    0, 3_600_000)),
            new BreakerSettings(
                s.bool(p + Configuration.LANE_BREAKER_ENABLED, Configuration.LANE_BREAKER_ENABLED_DEFAULT),
                s.integer(p + Configuration.LANE_BREAKER_FAILURE_PERCENT, Configuration.LANE_BREAKER_FAILURE_PERCENT_DEFAULT,
                    1, 100),
                s.integer(p + Configuration.LANE_BREAKER_MIN_CALLS, Configuration.LANE_BREAKER_MIN_CALLS_DEFAULT,
                    1, 1_000_000),
                s.integer(p + Configuration.LANE_BREAKER_CONSECUTIVE_FAILURES,
                    Configuration.LANE_BREAKER_CONSECUTIVE_FAILURES_DEFAULT, 1, 1_000_000),
                s.longValue(p + Configuration.LANE_BREAKER_WINDOW_MS, Configuration.LANE_BREAKER_WINDOW_MS_DEFAULT,
                    100, 3_600_000),
                s.longValue(p + Configuration.LANE_BREAKER_OPEN_MS, Configuration.LANE_BREAKER_OPEN_MS_DEFAULT,
                    10, 3_600_000)),
            FallbackSettings.read(s, p, channel, s.longValue(p + Configuration.LANE_RECEIPT_TIMEOUT_MS,
                Configuration.LANE_RECEIPT_TIMEOUT_MS_DEFAULT, 10, 30L * 86_400_000)),
            s.integer(p + Configuration.LANE_DEAD_LETTER_BUFFER, Configuration.LANE_DEAD_LETTER_BUFFER_DEFAULT, 16, 1 << 20),
            s.bool(p + Configuration.LANE_ORDER_AUTH_WITH_INFORMATIONAL,
                Configuration.LANE_ORDER_AUTH_WITH_INFORMATIONAL_DEFAULT));
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
