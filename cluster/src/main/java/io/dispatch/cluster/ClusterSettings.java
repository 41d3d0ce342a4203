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
    Properties kafka, String statusTopic, String stateTopic, long sendLeaseMs)
{
    public static final String BOOTSTRAP_SERVERS = "cluster.bootstrapServers";
    public static final String TOPIC = "cluster.topic";
    public static final String GROUP_ID = "cluster.groupId";
    public static final String STATE_TOPIC = "cluster.stateTopic";
    public static final String SEND_LEASE_MS = "cluster.sendLeaseMs";
    public static final String NODE_NAME = "cluster.nodeName";
    public static final String STATUS_TOPIC = "cluster.statusTopic";
    public static final String KAFKA_PREFIX = "cluster.kafka.";

    /** @return the settings, or null when {@code cluster.bootstrapServers} is not set (single-node engine). */
    public static ClusterSettings from(final Settings s)
    {
        final String servers = s.string(BOOTSTRAP_SERVERS, null);
        final String topic = s.string(TOPIC, "dispatch");
        final String group = s.string(GROUP_ID, "dispatch");
        final String node = s.string(NODE_NAME, null);
        final String status = s.string(STATUS_TOPIC, topic.trim() + "-status");
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
        final String[] names = {TOPIC, STATUS_TOPIC, STATE_TOPIC};
        final String[] values = {topic, status, stateTopic};
        for (int i = 0; i < names.length; i++)
        {
            if (values[i].isBlank())
            {
                throw new ConfigurationException(names[i], "must not be empty");
            }
            for (int j = 0; j < i; j++)
            {
                if (values[i].trim().equals(values[j].trim()))
                {
                    throw new ConfigurationException(names[i], "must differ from " + names[j] + " ('" + values[j].trim() +
                        "')");
                }
            }
        }
        if (group.isBlank())
        {
            throw new ConfigurationException(GROUP_ID, "must not be empty");
        }
        return new ClusterSettings(servers.trim(), topic.trim(), group.trim(), node, kafka, status.trim(),
            stateTopic.trim(), leaseMs);
    }
}
