package io.dispatch.connector.sim;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;
import java.util.Set;

/**
 * Type {@code simulated}: a provider simulator for local runs, demos and load tests. Settings (under
 * {@code lane.<channel>.connector.}): {@code latencyMs} (default 2), {@code failureRate} (transient
 * failures, 0..1, default 0), {@code rejectRate} (permanent, 0..1, default 0), {@code receiptDelayMs}
 * (default 20), {@code stall} (accept nothing, answer nothing; default false), {@code seed},
 * {@code maxPerSecond} (provider quota: beyond it sends are answered PROVIDER_THROTTLED; default 0 = none)
 * and {@code throttleRetryAfterMs} (the retry-after given with a throttle; default 0).
 * Recipients starting with {@code reject} are always rejected and with {@code fail} always fail transiently;
 * on the chat lane, {@code nochat…} recipients are rejected NOT_CHANNEL_USER (not a KakaoTalk user); on the
 * push lane, {@code fcm:gone…} and {@code apns:gone…} tokens are rejected UNREGISTERED (app uninstalled).
 */
public final class SimulatedConnectorFactory implements ConnectorFactory
{
    static final Set<String> KEYS = Set.of("latencyMs", "failureRate", "rejectRate", "receiptDelayMs", "stall", "seed",
        "maxPerSecond", "throttleRetryAfterMs");

    @Override
    public String type()
    {
        return "simulated";
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        for (final String key : settings.keySet())
        {
            if (!KEYS.contains(key))
            {
                throw new IllegalArgumentException("unknown setting '" + key + "' for the simulated connector; known: " + KEYS);
            }
        }
        SimulatedConnector.Settings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new SimulatedConnector(SimulatedConnector.Settings.parse(settings));
    }
}
