package io.dispatch.config;

/**
 * A lane's circuit breaker: opens when, within a {@code windowMs} window of at least {@code minCalls}
 * outcomes, {@code failurePercent} failed, or after {@code consecutiveFailures} failures in a row; stays
 * open {@code openMs}, then lets one probe through.
 */
public record BreakerSettings(
    boolean enabled, int failurePercent, int minCalls, int consecutiveFailures, long windowMs, long openMs)
{
}
