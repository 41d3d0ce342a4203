package io.dispatch.cluster;

import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.testing.EngineFixture;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The setup the cluster ITs share: one local KRaft broker process ({@link LocalBroker}) with the cluster topics of
 * one topic name, one counting webhook peer every node's sms lane points at, and the nodes of the class, each in this
 * JVM on {@code dir/<name>} in the group named after the topic. Started in a class's {@code @BeforeAll}, closed in
 * its {@code @AfterAll}: the nodes, then the peer, then the broker.
 */
final class ClusterFixture implements AutoCloseable
{
    private static final long OWNERSHIP_WAIT_S = 60;

    final Path dir;
    final String topic;
    final int partitions;
    final LocalBroker broker;
    final TextCountingPeer peer;
    /** The nodes of the class's setup, closed by {@link #close}; a test may replace one it restarted. */
    final List<ClusterNode> nodes = new ArrayList<>();

    private ClusterFixture(
        final Path dir, final String topic, final int partitions, final LocalBroker broker, final TextCountingPeer peer)
    {
        this.dir = dir;
        this.topic = topic;
        this.partitions = partitions;
        this.broker = broker;
        this.peer = peer;
    }

    /** Starts the broker in {@code dir/kafka}, creates the cluster topics of {@code topic} and starts the peer. */
    static ClusterFixture start(final Path dir, final String topic, final int partitions) throws Exception
    {
        final LocalBroker broker = LocalBroker.start(dir.resolve("kafka"), 0);
        try
        {
            broker.createClusterTopics(topic, partitions);
            return new ClusterFixture(dir, topic, partitions, broker, new TextCountingPeer());
        }
        catch (final Exception ex)
        {
            broker.close();
            throw ex;
        }
    }

    /** {@link EngineFixture#settings} with the sms lane on the counting peer. */
    static Settings nodeSettings(final Path nodeDir, final TextCountingPeer peer) throws IOException
    {
        final Properties p = new Properties();
        EngineFixture.settings(nodeDir).withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.sms.connector."))
            {
                p.setProperty(k, v);
            }
        });
        final Settings s = new Settings(p);
        peer.configure(s, nodeDir);
        // informational is exempt from caps unless one is configured: two per recipient a day, for the cap test
        s.set("tenant.demo.cap.informational", "2/1d");
        return s;
    }

    /**
     * Starts a node named {@code name} on {@code dir/name} over the fixture's broker and topic, with {@code extra}
     * applied to its settings last. It is the caller's to close unless it adds it to {@link #nodes}.
     */
    ClusterNode startNode(final String name, final Consumer<Settings> extra) throws Exception
    {
        final Path nodeDir = Files.createDirectories(dir.resolve(name));
        final Settings s = nodeSettings(nodeDir, peer);
        s.set(ClusterSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        s.set(ClusterSettings.TOPIC, topic);
        s.set(ClusterSettings.GROUP_ID, topic);
        s.set(ClusterSettings.NODE_NAME, name);
        extra.accept(s);
        return ClusterNode.start(DispatcherConfig.from(s), ClusterSettings.from(s), SystemEpochClock.INSTANCE);
    }

    /** Waits (bounded) until every partition is owned and every one of {@code members} owns some. */
    static void awaitOwnership(final List<ClusterNode> members, final int partitions) throws InterruptedException
    {
        awaitOwnership(members, "every node owns partitions",
            m -> m.stream().allMatch(n -> n.ownedPartitions() > 0) &&
            m.stream().mapToInt(ClusterNode::ownedPartitions).sum() == partitions);
    }

    /** Waits (bounded) until the assignment of {@code members} satisfies {@code until}. */
    static void awaitOwnership(
        final List<ClusterNode> members, final String what, final Predicate<List<ClusterNode>> until)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OWNERSHIP_WAIT_S);
        while (!until.test(members))
        {
            assertThat(System.nanoTime()).as("%s within %d s", what, OWNERSHIP_WAIT_S).isLessThan(deadline);
            Thread.sleep(50); // the assignment has no event to await from outside the consumer threads
        }
    }

    /** Kafka's default partitioner over a message's record key ({@link ClusterRecords#key}: tenant, 0, recipient). */
    static int partitionOf(final String tenant, final String to, final int partitions)
    {
        final byte[] key = (tenant + "\0" + to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) %
            partitions;
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            for (final ClusterNode n : nodes)
            {
                n.close();
            }
        }
        finally
        {
            try
            {
                peer.close();
            }
            finally
            {
                broker.close();
            }
        }
    }
}
