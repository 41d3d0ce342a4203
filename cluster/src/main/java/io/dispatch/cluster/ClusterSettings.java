package io.dispatch.cluster;

import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;

import java.util.Map;
import java.util.Properties;

/**
 * The {@code cluster.*} keys (docs/cluster.md). {@code cluster.bootstrapServers} turns cluster mode on; every
 * {@code cluster.kafka.<name>} key is handed unchanged to the Kafka clients as {@code <name>} (TLS, SASL, timeouts),
 * after the engine's own client settings, so an operator can override them.
 */
public record ClusterSettings(String bootstrapServers, String topic, String groupId, String nodeName,
    Properties kafka, String stateTopic, long sendLeaseMs)
{
    public static final String BOOTSTRAP_SERVERS = "cluster.bootstrapServers";
    public static final String TOPIC = "cluster.topic";
    public static final String GROUP_ID = "cluster.groupId";
    public static final String STATE_TOPIC = "cluster.stateTopic";
    public static final String SEND_LEASE_MS = "cluster.sendLeaseMs";
    public static final String NODE_NAME = "cluster.nodeName";
    public static final String KAFKA_PREFIX = "cluster.kafka.";

    /** @return the settings, or null when {@code cluster.bootstrapServers} is not set (single-node engine). */
    public static ClusterSettings from(final Settings s)
    {
        final String servers = s.string(BOOTSTRAP_SERVERS, null);
        final String topic = s.string(TOPIC, "dispatch");
        final String group = s.string(GROUP_ID, "dispatch");
        final String node = s.string(NODE_NAME, null);
        final String stateTopic = s.string(STATE_TOPIC, topic.trim() + "-state");
        final long leaseMs = s.longValue(SEND_LEASE_MS, 3000, 100, 3_600_000);
        final Properties kafka = new Properties();
        for (final Map.Entry<String, String> e : s.withPrefix(KAFKA_PREFIX).entrySet())
        {
            kafka.setProperty(e.getKey().substring(KAFKA_PREFIX.length()), e.getValue());
        }
        if (servers == null || servers.isBlank())
        {
            return null;
        }
        if (topic.isBlank() || group.isBlank() || stateTopic.isBlank())
        {
            throw new ConfigurationException(topic.isBlank() ? TOPIC : group.isBlank() ? GROUP_ID : STATE_TOPIC,
                "must not be empty");
        }
        if (stateTopic.trim().equals(topic.trim()))
        {
            throw new ConfigurationException(STATE_TOPIC, "must differ from " + TOPIC + " ('" + topic.trim() + "')");
        }
        return new ClusterSettings(servers.trim(), topic.trim(), group.trim(), node, kafka, stateTopic.trim(),
            leaseMs);
    }
}
