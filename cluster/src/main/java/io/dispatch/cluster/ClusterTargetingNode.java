package io.dispatch.cluster;

import io.dispatch.status.PrometheusText;
import io.dispatch.targeting.TargetingRequest;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A node's part of the cluster's directory and campaigns: the engine hook ({@link ClusterTargetingRoute}), the
 * directory rows of its partitions ({@link DirectoryFollower}) and the campaigns topic ({@link ClusterCampaigns}),
 * each reader on a thread of its own.
 */
final class ClusterTargetingNode
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterTargetingNode.class);
    private final LocalTargeting local = new LocalTargeting();
    private final ClusterTargetingRoute route;
    private DirectoryFollower directory;
    private ClusterCampaigns campaigns;
    private Thread directoryThread;
    private Thread campaignsThread;
    private KafkaProducer<byte[], byte[]> producer;

    ClusterTargetingNode(final OwnershipFence fence, final int partitions)
    {
        this.route = new ClusterTargetingRoute(local, fence, partitions);
    }

    ClusterTargetingRoute route()
    {
        return route;
    }

    /** After the engine started (its targeting thread is attached): reads the topics and takes client requests. */
    void start(final ClusterSettings cluster, final KafkaProducer<byte[], byte[]> producer, final OwnershipFence fence,
        final int partitions)
    {
        final String node = cluster.nodeName() != null ? cluster.nodeName()
            : "node-" + Long.toHexString(new java.security.SecureRandom().nextLong());
        directory = new DirectoryFollower(consumer(cluster, "-directory"), TargetingTopics.directory(cluster), partitions,
            fence, local);
        campaigns = new ClusterCampaigns(producer, consumer(cluster, "-campaigns"), TargetingTopics.campaigns(cluster),
            node, local, route);
        directory.campaigns(campaigns);
        this.producer = producer;
        route.to(new DirectoryRows(producer, TargetingTopics.directory(cluster), partitions), campaigns,
            new HandledMarks(producer, TargetingTopics.directory(cluster), partitions, node));
        directoryThread = new Thread(directory, "cluster-directory-follower");
        campaignsThread = new Thread(campaigns, "cluster-campaigns");
        directoryThread.start();
        campaignsThread.start();
    }

    ClusterCampaigns campaigns()
    {
        return campaigns;
    }

    DirectoryFollower directory()
    {
        return directory;
    }

    /**
     * Feeder thread, when partitions are handed over (sending already off for them, so no campaign fans out over
     * them any more): the targeting thread reports what it fanned out and the ring journaled as handled, and the
     * marks are written before the partitions go, so their next owner does not send those recipients again.
     */
    void handOver()
    {
        if (producer == null)
        {
            return;
        }
        if (local.call(TargetingRequest.CAMPAIGN_HAND_OVER, 0, new byte[0]) == null)
        {
            LOG.warn("event=cluster_campaign_hand_over_unanswered (the next owner may send recipients fanned out " +
                "here just now again)");
        }
        try
        {
            producer.flush();
        }
        catch (final org.apache.kafka.common.KafkaException ex)
        {
            LOG.warn("event=cluster_campaign_marks_unflushed error=\"{}\"", ex.toString());
        }
    }

    /**
     * A graceful stop: no campaign fans out here any more (the partitions' next owners take the rest over). Waits
     * (bounded) for two turns of the targeting thread, so its fan-out has skipped what is left before the counters are
     * published a last time ({@link #stop}).
     */
    void leave()
    {
        route.leave();
        if (producer != null)
        {
            local.call(TargetingRequest.CAMPAIGN_HAND_OVER, 0, new byte[0]);
            local.call(TargetingRequest.CAMPAIGN_HAND_OVER, 0, new byte[0]);
        }
    }

    /** Before the engine stops: the readers hand it nothing more. */
    void stop()
    {
        if (directory == null)
        {
            return;
        }
        directory.stop();
        campaigns.stop();
        try
        {
            directoryThread.join(TimeUnit.SECONDS.toMillis(15));
            campaignsThread.join(TimeUnit.SECONDS.toMillis(15));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    void appendMetrics(final StringBuilder sb)
    {
        PrometheusText.family(sb, "dispatch_cluster_directory_rows_applied_total", "counter",
            "directory rows of owned partitions applied to this node's directory (re-reads at assignments included)");
        PrometheusText.sample(sb, "dispatch_cluster_directory_rows_applied_total", directory.applied());
        PrometheusText.family(sb, "dispatch_cluster_directory_rows_refused_total", "counter",
            "directory rows this node's directory refused after Kafka took them (logged)");
        PrometheusText.sample(sb, "dispatch_cluster_directory_rows_refused_total", directory.refused());
        PrometheusText.family(sb, "dispatch_cluster_campaign_taken_over_total", "counter",
            "campaign recipients this node took over with a partition it gained, no earlier owner having marked them " +
            "handled (an upper bound on the campaign messages a takeover sent twice)");
        PrometheusText.sample(sb, "dispatch_cluster_campaign_taken_over_total", route.takenOver());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final ClusterSettings cluster, final String role)
    {
        final Properties p = ClusterNode.restoreProperties(cluster);
        final String id = p.getProperty(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (id != null)
        {
            p.setProperty(CommonClientConfigs.CLIENT_ID_CONFIG, id.replace("-restore", role));
        }
        p.setProperty(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
