package io.dispatch.cluster;

import io.dispatch.config.ConfigurationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The directory topic ({@code <cluster.topic>-directory}: the cluster topic's partitions, compacted) and the
 * campaigns topic ({@code <cluster.topic>-campaigns}: one partition, compacted), created at a node's first start
 * with the cluster topic's replication unless they exist.
 */
final class TargetingTopics
{
    private TargetingTopics()
    {
    }

    static String directory(final ClusterSettings cluster)
    {
        return cluster.topic() + "-directory";
    }

    static String campaigns(final ClusterSettings cluster)
    {
        return cluster.topic() + "-campaigns";
    }

    /** @throws ConfigurationException when a topic is missing and cannot be created, or has the wrong partitions. */
    static void ensure(final ClusterSettings cluster, final int partitions) throws Exception
    {
        final Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.putAll(cluster.kafka());
        try (Admin admin = Admin.create(p))
        {
            final TopicDescription main = admin.describeTopics(List.of(cluster.topic())).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(cluster.topic());
            final short replication = (short)main.partitions().get(0).replicas().size();
            ensure(admin, cluster, directory(cluster), partitions, replication);
            ensure(admin, cluster, campaigns(cluster), 1, replication);
        }
    }

    private static void ensure(final Admin admin, final ClusterSettings cluster, final String name,
        final int partitions, final short replication) throws Exception
    {
        try
        {
            admin.createTopics(List.of(new NewTopic(name, partitions, replication)
                .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof TopicExistsException))
            {
                throw new ConfigurationException(ClusterSettings.TOPIC, "cannot create topic '" + name + "' on " +
                    cluster.bootstrapServers() + ": " + ex.getCause().getMessage() + " (create it with " + partitions +
                    " partition(s) and cleanup.policy=compact, see docs/cluster.md)");
            }
        }
        final int has = describe(admin, name);
        if (has != partitions)
        {
            throw new ConfigurationException(ClusterSettings.TOPIC, "topic '" + name + "' has " + has +
                " partitions, it needs " + partitions + " (recreate it with cleanup.policy=compact, see docs/cluster.md)");
        }
    }

    /** A topic just created may not be described by every broker yet: asks again (bounded) while it is unknown. */
    private static int describe(final Admin admin, final String name) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                    .partitions().size();
            }
            catch (final ExecutionException ex)
            {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(100); // topic metadata propagation has no event to await
            }
        }
    }
}
