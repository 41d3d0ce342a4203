package io.dispatch.cluster;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ClusterHooks;
import io.dispatch.Dispatcher;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.protocol.ChannelType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.PrometheusText;
import org.agrona.concurrent.EpochClock;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * A dispatcher node in cluster mode: the single-node engine, with client SUBMITs written to the cluster topic
 * ({@link ProducingIntake}) and the records of the partitions this node owns fed into its ring
 * ({@link PartitionFeeder}). Stopping hands the partitions over first, then drains the engine.
 */
public final class ClusterNode implements AutoCloseable
{
    private final Dispatcher dispatcher;
    private final KafkaProducer<byte[], byte[]> producer;
    private final PartitionFeeder feeder;
    private final AcceptedPublisher publisher;
    private final Thread feederThread;
    private final ClusterStateTap tap;
    private final Thread tapThread;
    private final StatusFollower follower;
    private final Thread followerThread;
    private final KafkaProducer<byte[], byte[]> stateProducer;
    private final StateChangelog changelog;
    private final OwnershipFence fence;
    private final ClusterTargetingNode targeting;
    private final ClusterHistory history;
    private final ClusterReceipts receipts;
    private boolean closed;

    private ClusterNode(final Dispatcher dispatcher, final KafkaProducer<byte[], byte[]> producer,
        final KafkaConsumer<byte[], byte[]> consumer, final ClusterSettings cluster, final Routing routing,
        final Hooks hooks, final ClusterTargetingNode targeting)
    {
        this.dispatcher = dispatcher;
        this.targeting = targeting;
        this.producer = producer;
        // the feeder's own publisher; ringIdle() only reads the ring's sequences, so any thread may ask it
        this.publisher = dispatcher.ingestContext().acceptedPublisher();
        hooks.observer.publisher(publisher);
        this.fence = hooks.fence;
        this.stateProducer =
            new KafkaProducer<>(stateProducerProperties(cluster), new ByteArraySerializer(), new ByteArraySerializer());
        this.changelog = new StateChangelog(stateProducer, new KafkaConsumer<>(restoreProperties(cluster),
            new ByteArrayDeserializer(), new ByteArrayDeserializer()), cluster.stateTopic());
        hooks.observer.owner(dispatcher.ownerState());
        this.feeder = new PartitionFeeder(consumer, publisher, cluster.topic(), changelog, hooks.fence, hooks.signals,
            hooks.observer, hooks.entries, dispatcher.ownerState());
        feeder.campaignHandOver(targeting::handOver);
        this.feederThread = new Thread(feeder, "cluster-feeder");
        routing.share.feeder(feeder);
        // "same protocol from any node": the status topic out (tap) and in (follower), CANCELs forwarded in order
        this.tap = routing.tap;
        final ClusterCancels cancels =
            new ClusterCancels(producer, cluster.statusTopic(), routing.statusPartitions, tap, publisher);
        tap.publishTo(producer, cluster.statusTopic(), routing.statusPartitions, publisher, cancels, routing.share);
        feeder.cancels(cancels);
        this.tapThread = new Thread(tap, "cluster-status-publisher");
        this.follower = new StatusFollower(new KafkaConsumer<>(followerProperties(cluster), new ByteArrayDeserializer(),
            new ByteArrayDeserializer()), cluster.statusTopic(), routing.statusPartitions, producer, cluster.topic(), routing.nodeId,
            routing.view, routing.acked, dispatcher.ingestContext().sessions(), dispatcher.ingestContext()
            .acceptedPublisher());
        this.followerThread = new Thread(follower, "cluster-status-follower");
        routing.router.follower(follower);
        this.receipts = routing.receipts;
        // GET /messages/<cluster id>/history through any node: asked and answered over the status topic
        final io.dispatch.admin.MessageHistoryRoute historyRoute = dispatcher.historyRoute();
        this.history = historyRoute == null ? null : new ClusterHistory(producer, cluster.statusTopic(),
            routing.statusPartitions, routing.nodeId,
            cluster.nodeName() != null ? cluster.nodeName() : "node " + routing.nodeId, tap, historyRoute);
        follower.history(history);
    }

    /** What cluster mode plugs into the engine before it starts, beyond the intake. */
    private static final class Routing
    {
        final long nodeId = new java.security.SecureRandom().nextLong() | 1; // never 0: 0 marks a cluster id's change
        final AckedIds acked;
        final StatusView view;
        final ClusterStateTap tap;
        final ClusterRouter router = new ClusterRouter();
        final ClusterRateShare share;
        final int statusPartitions;
        /** Set in {@link #start} before the engine opens its port. */
        ClusterReceipts receipts;

        Routing(final DispatcherConfig config, final int partitions, final int statusPartitions)
        {
            this.statusPartitions = statusPartitions;
            // as many recent messages as the status table holds (at most 1M: memory per node)
            final int capacity = Math.max(1024, Math.min(1 << 20, Integer.highestOneBit(config.statusCapacity())));
            acked = new AckedIds(capacity, partitions);
            view = new StatusView(capacity, partitions);
            // the status table's own size and mapping (StatusTable): the tap forgets a message only when the table does
            final int tableSize = Integer.highestOneBit(Math.max(2, config.statusCapacity()) - 1) << 1;
            tap = new ClusterStateTap(tableSize, capacity, 8 << 20, nodeId, partitions);
            share = new ClusterRateShare(partitions);
        }
    }

    /** The engine hooks of one node: the journal-thread observer and the lanes' ownership check. */
    private static final class Hooks
    {
        final LiveMessages live = new LiveMessages();
        final OwnershipFence fence;
        final ProgressSignals signals = new ProgressSignals(1 << 16);
        final AcceptedEntries entries = new AcceptedEntries(4 << 20);
        final StateObserver observer;

        Hooks(final int partitions, final long leaseMs)
        {
            fence = new OwnershipFence(live, partitions, leaseMs);
            observer = new StateObserver(live, fence, signals, entries);
        }
    }

    /**
     * @throws ConfigurationException when the cluster cannot be reached or has no topic {@code cluster.topic}: one
     *                                line naming the setting and the fix.
     */
    public static ClusterNode start(final DispatcherConfig config, final ClusterSettings cluster, final EpochClock clock)
        throws Exception
    {
        final int[] counts = checkTopic(cluster);
        final int partitions = counts[0];
        TargetingTopics.ensure(cluster, partitions);
        final Routing routing = new Routing(config, partitions, counts[1]);
        final KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerProperties(cluster), new ByteArraySerializer(), new ByteArraySerializer());
        final Hooks hooks = new Hooks(partitions, cluster.sendLeaseMs());
        final ClusterTargetingNode targeting = new ClusterTargetingNode(hooks.fence, partitions);
        // SUBSCRIBE with resumeAfter: a status topic reader per subscription, positions named by checkpoints. Wired
        // before the port opens: a client resubscribing after a restart is not told "still starting" (it gives up)
        final java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger();
        routing.receipts = new ClusterReceipts(() -> new KafkaConsumer<>(receiptsProperties(cluster,
            readers.incrementAndGet()), new ByteArrayDeserializer(), new ByteArrayDeserializer()), producer,
            cluster.statusTopic(), routing.statusPartitions);
        routing.router.receipts(routing.receipts);
        // the engine's context is fixed at launch; the node's families and its answers for cluster ids' histories (until
        // then the journal answers every id) come once the node below exists
        final java.util.concurrent.atomic.AtomicReference<ClusterNode> started = new java.util.concurrent.atomic.AtomicReference<>();
        final Dispatcher dispatcher;
        try
        {
            awaitMetadata(producer, cluster.topic());
            awaitMetadata(producer, cluster.statusTopic());
            awaitMetadata(producer, TargetingTopics.directory(cluster));
            awaitMetadata(producer, TargetingTopics.campaigns(cluster));
            dispatcher = Dispatcher.launch(config, Dispatcher.Context.DEFAULT.withClock(clock).withCluster(new ClusterHooks(
                new ProducingIntake(producer, cluster.topic(), partitions, routing.acked), routing.router, routing.tap,
                routing.share, hooks.observer, hooks.fence, hooks.fence::held, targeting.route()))
                .withExtraMetrics(sb ->
                {
                    final ClusterNode n = started.get();
                    if (n != null)
                    {
                        n.appendMetrics(sb);
                    }
                })
                .withRemoteHistory((messageId, tenant, limit, text) ->
                {
                    final ClusterNode n = started.get();
                    return n == null || n.history == null ? null : n.history.history(messageId, tenant, limit, text);
                }));
        }
        catch (final Exception | Error ex)
        {
            producer.close(Duration.ZERO);
            throw ex;
        }
        final KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerProperties(cluster), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final ClusterNode node;
        try
        {
            node = new ClusterNode(dispatcher, producer, consumer, cluster, routing, hooks, targeting);
        }
        catch (final Exception | Error ex)
        {
            consumer.close(Duration.ZERO);
            dispatcher.close();
            producer.close(Duration.ZERO);
            throw ex;
        }
        started.set(node);
        node.tapThread.start();
        node.followerThread.start();
        node.feederThread.start();
        targeting.start(cluster, producer, hooks.fence, partitions);
        org.slf4j.LoggerFactory.getLogger(ClusterNode.class).info(
            "event=cluster_node_started bootstrap={} topic={} state_topic={} status_topic={} partitions={} group={}",
            cluster.bootstrapServers(), cluster.topic(), cluster.stateTopic(), cluster.statusTopic(), partitions,
            cluster.groupId());
        return node;
    }

    public Dispatcher dispatcher()
    {
        return dispatcher;
    }

    /** @return records this node fed into its ring since it started. */
    public long fed()
    {
        return feeder.fed();
    }

    /** @return records this node could not send (unknown tenant or lane, a broken record): logged once each. */
    public long skipped()
    {
        return feeder.skipped();
    }

    /**
     * @return records fed after assignments that an earlier owner had in hands, not finished and not marked unsent:
     *         each may be sent a second time, and no other record is.
     */
    public long redelivered()
    {
        return feeder.redelivered();
    }

    /** @return records an earlier owner had finished (changelog), skipped here. */
    public long skippedDone()
    {
        return feeder.skippedDone();
    }

    private void appendMetrics(final StringBuilder sb)
    {
        PrometheusText.family(sb, "dispatch_cluster_fed_total", "counter",
            "records of owned partitions fed into this node's ring");
        PrometheusText.sample(sb, "dispatch_cluster_fed_total", feeder.fed());
        PrometheusText.family(sb, "dispatch_cluster_skipped_total", "counter",
            "records this node could not send: unknown tenant or lane, broken record (logged once per problem)");
        PrometheusText.sample(sb, "dispatch_cluster_skipped_total", feeder.skipped());
        PrometheusText.family(sb, "dispatch_cluster_takeover_redelivered_total", "counter",
            "records sent after an assignment that an earlier owner had in hands and not finished: possible repeats");
        PrometheusText.sample(sb, "dispatch_cluster_takeover_redelivered_total", feeder.redelivered());
        PrometheusText.family(sb, "dispatch_cluster_takeover_skipped_total", "counter",
            "records an earlier owner had finished (changelog marks), skipped after an assignment");
        PrometheusText.sample(sb, "dispatch_cluster_takeover_skipped_total", feeder.skippedDone());
        PrometheusText.family(sb, "dispatch_cluster_restored_keys_total", "counter",
            "idempotency keys of earlier owners' messages loaded from the changelog at assignments");
        PrometheusText.sample(sb, "dispatch_cluster_restored_keys_total", feeder.restoredKeys());
        PrometheusText.family(sb, "dispatch_cluster_restored_cap_sends_total", "counter",
            "earlier owners' sends counted against frequency caps, loaded from the changelog at assignments");
        PrometheusText.sample(sb, "dispatch_cluster_restored_cap_sends_total", feeder.restoredSends());
        PrometheusText.family(sb, "dispatch_cluster_restored_content_keys_total", "counter",
            "content-dedup keys of earlier owners' messages loaded from the changelog at assignments");
        PrometheusText.sample(sb, "dispatch_cluster_restored_content_keys_total", feeder.restoredContentKeys());
        PrometheusText.family(sb, "dispatch_cluster_state_restore_milliseconds_total", "counter",
            "time spent restoring partitions' state from the changelog at assignments");
        PrometheusText.sample(sb, "dispatch_cluster_state_restore_milliseconds_total", feeder.restoreMillis());
        PrometheusText.family(sb, "dispatch_cluster_state_write_failures_total", "counter",
            "changelog writes the brokers did not take (logged once per 1000)");
        PrometheusText.sample(sb, "dispatch_cluster_state_write_failures_total", changelog.failures());
        PrometheusText.family(sb, "dispatch_cluster_owned_partitions", "gauge", "partitions this node owns now");
        PrometheusText.sample(sb, "dispatch_cluster_owned_partitions", feeder.ownedPartitions());
        PrometheusText.family(sb, "dispatch_cluster_status_published_total", "counter",
            "state changes of messages this node sends, written to the status topic");
        PrometheusText.sample(sb, "dispatch_cluster_status_published_total", tap.published());
        PrometheusText.family(sb, "dispatch_cluster_status_dropped_total", "counter",
            "state changes not written to the status topic (buffer full or the write failed): logged");
        PrometheusText.sample(sb, "dispatch_cluster_status_dropped_total", tap.dropped());
        PrometheusText.family(sb, "dispatch_cluster_status_read_total", "counter",
            "state changes read from the status topic for this node's STATUS answers and subscribers");
        PrometheusText.sample(sb, "dispatch_cluster_status_read_total", follower.changes());
        PrometheusText.family(sb, "dispatch_cluster_receipts_total", "counter",
            "receipts this node offered to its subscribers from the status topic");
        PrometheusText.sample(sb, "dispatch_cluster_receipts_total", follower.receipts());
        final ClusterReceipts.Counters resumed = receipts.counters();
        PrometheusText.family(sb, "dispatch_cluster_resumed_subscriptions", "gauge",
            "resumed receipt subscriptions this node serves now (a thread and a status topic reader each)");
        PrometheusText.sample(sb, "dispatch_cluster_resumed_subscriptions", receipts.active());
        PrometheusText.family(sb, "dispatch_cluster_resumed_receipts_total", "counter",
            "receipts this node's resumed subscriptions offered (replayed and new)");
        PrometheusText.sample(sb, "dispatch_cluster_resumed_receipts_total", resumed.receipts.get());
        PrometheusText.family(sb, "dispatch_cluster_receipt_checkpoints_total", "counter",
            "receipt checkpoints written to the status topic (one per segment with a receipt for a resumed subscriber)");
        PrometheusText.sample(sb, "dispatch_cluster_receipt_checkpoints_total", resumed.checkpoints.get());
        PrometheusText.family(sb, "dispatch_cluster_receipt_checkpoint_failures_total", "counter",
            "receipt checkpoint writes the brokers did not take in time (retried; the receipts wait)");
        PrometheusText.sample(sb, "dispatch_cluster_receipt_checkpoint_failures_total", resumed.checkpointFailures.get());
        targeting.appendMetrics(sb);
    }

    /** @return directory rows of owned partitions this node applied to its directory. */
    public long directoryRowsApplied()
    {
        return targeting.directory().applied();
    }

    /** @return campaign recipients this node took over with partitions it gained (tests; /metrics has it too). */
    long campaignRecipientsTakenOver()
    {
        return targeting.route().takenOver();
    }

    /** @return a campaign's counters on this node alone, as it last published them; null when it has none. */
    CampaignCounters localCampaignCounters(final long clusterCampaignId)
    {
        return targeting.campaigns().localCounters(clusterCampaignId);
    }

    public int ownedPartitions()
    {
        return feeder.ownedPartitions();
    }

    /** @return whether this node owns the partition now (any thread). */
    public boolean owns(final int partition)
    {
        return partition >= 0 && partition < fence.partitions() && fence.epoch(partition) != 0;
    }

    /**
     * A graceful stop: stops feeding, lets the lanes send what this node already took (up to {@code drainMs}), hands
     * the partitions over (what was fed is journaled and committed, so the next owner sends nothing twice), then
     * drains the engine with the time left. What the lanes still hold then (a provider slower than the bound,
     * retries, deferred messages) stays in this node's journal for its next start, as on one node.
     */
    public synchronized void drain(final long drainMs)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
        targeting.leave();
        targeting.stop();
        feeder.pauseFeeding();
        while (!lanesIdle() && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(5_000_000); // lane depths have no event to await from here
        }
        stopFeeder();
        dispatcher.drain(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        stopStatus();
        producer.close(Duration.ofSeconds(5));
        closeState();
    }

    /** @return whether the ring and the lanes are empty now (tests; any thread). */
    boolean idle()
    {
        return lanesIdle();
    }

    private boolean lanesIdle()
    {
        for (final ChannelType channel : ChannelType.values())
        {
            final ConnectorLane lane = dispatcher.lane(channel);
            if (lane != null && (lane.heldForRestart() > 0 || lane.inFlight() > 0))
            {
                return false;
            }
        }
        return publisher.ringIdle();
    }

    /** Hands the partitions over and closes the engine. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        targeting.leave();
        targeting.stop();
        stopFeeder();
        dispatcher.close();
        stopStatus();
        producer.close(Duration.ofSeconds(5));
        closeState();
    }

    private void closeState()
    {
        stateProducer.close(Duration.ofSeconds(5));
        changelog.close();
    }

    private void stopFeeder()
    {
        feeder.stop();
        try
        {
            feederThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** After the engine stopped: the tap writes what the ring left it, then the follower stops. */
    private void stopStatus()
    {
        receipts.stop();
        tap.stop();
        follower.stop();
        if (history != null)
        {
            history.stop();
        }
        try
        {
            tapThread.join(TimeUnit.SECONDS.toMillis(10));
            followerThread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the partitions of the cluster topic and of the status topic. */
    private static int[] checkTopic(final ClusterSettings cluster) throws Exception
    {
        final Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.putAll(cluster.kafka());
        try (Admin admin = Admin.create(p))
        {
            final TopicDescription d = admin.describeTopics(List.of(cluster.topic())).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(cluster.topic());
            checkStateTopic(admin, cluster, d.partitions().size());
            return new int[] {d.partitions().size(), ensureStatusTopic(admin, cluster, d)};
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)
            {
                throw new ConfigurationException(ClusterSettings.BOOTSTRAP_SERVERS, "no Kafka broker answered at " +
                    cluster.bootstrapServers() + " within 30 s (is it running? TLS/SASL settings go in cluster.kafka.*)");
            }
            throw new ConfigurationException(ClusterSettings.TOPIC, "topic '" + cluster.topic() + "' not readable on " +
                cluster.bootstrapServers() + ": " + ex.getCause().getMessage() + " (create it with the partition count" +
                " you will keep, see docs/cluster.md; scripts/cluster up does)");
        }
        catch (final TimeoutException ex)
        {
            throw new ConfigurationException(ClusterSettings.BOOTSTRAP_SERVERS, "no Kafka broker answered at " +
                cluster.bootstrapServers() + " within 30 s (is it running? TLS/SASL settings go in cluster.kafka.*)");
        }
    }

    /** The changelog must exist with the cluster topic's partition count: partition p holds partition p's state. */
    private static void checkStateTopic(final Admin admin, final ClusterSettings cluster, final int partitions)
        throws Exception
    {
        final int state;
        try
        {
            state = admin.describeTopics(List.of(cluster.stateTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(cluster.stateTopic()).partitions().size();
        }
        catch (final ExecutionException ex)
        {
            throw new ConfigurationException(ClusterSettings.STATE_TOPIC, "topic '" + cluster.stateTopic() + "' not" +
                " readable on " + cluster.bootstrapServers() + ": " + ex.getCause().getMessage() + " (create it with " +
                partitions + " partitions, like '" + cluster.topic() + "', and cleanup.policy=compact, see" +
                " docs/cluster.md; scripts/cluster up does)");
        }
        if (state != partitions)
        {
            throw new ConfigurationException(ClusterSettings.STATE_TOPIC, "topic '" + cluster.stateTopic() + "' has " +
                state + " partitions, '" + cluster.topic() + "' has " + partitions + ": they must match (partition p" +
                " holds the state of partition p); recreate it with " + partitions + " partitions and" +
                " cleanup.policy=compact");
        }
    }

    /**
     * The status topic, created on first start like the cluster topic (same partitions and replication) when it is
     * missing: state changes are short-lived, so it keeps them a day. An operator may create it beforehand.
     */
    private static int ensureStatusTopic(final Admin admin, final ClusterSettings cluster, final TopicDescription main)
        throws Exception
    {
        final String name = cluster.statusTopic();
        try
        {
            return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name).partitions()
                .size();
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException))
            {
                throw new ConfigurationException(ClusterSettings.STATUS_TOPIC, "topic '" + name + "' not readable on " +
                    cluster.bootstrapServers() + ": " + ex.getCause().getMessage());
            }
        }
        final org.apache.kafka.clients.admin.NewTopic topic = new org.apache.kafka.clients.admin.NewTopic(name,
            main.partitions().size(), (short)main.partitions().get(0).replicas().size())
            .configs(java.util.Map.of("retention.ms", "86400000"));
        try
        {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return main.partitions().size();
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException))
            {
                throw new ConfigurationException(ClusterSettings.STATUS_TOPIC, "cannot create topic '" + name + "' on " +
                    cluster.bootstrapServers() + ": " + ex.getCause().getMessage() + " (create it with the partitions of '" +
                    cluster.topic() + "', see docs/cluster.md)");
            }
            // another node created it first
            return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name).partitions()
                .size();
        }
    }

    /**
     * A send waits at most {@code max.block.ms} (100 ms) for the topic's metadata: fetch it before the first client
     * can send, so the first SUBMITs are not NACKed while it arrives.
     */
    private static void awaitMetadata(final KafkaProducer<byte[], byte[]> producer, final String topic)
        throws ConfigurationException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                producer.partitionsFor(topic);
                return;
            }
            catch (final org.apache.kafka.common.errors.TimeoutException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new ConfigurationException(ClusterSettings.TOPIC, "no metadata for topic '" + topic +
                        "' within 30 s: " + ex.getMessage());
                }
            }
        }
    }

    static Properties producerProperties(final ClusterSettings cluster)
    {
        final Properties p = new Properties();
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "1");
        // send() runs on a session's event loop: a full buffer NACKs BACKPRESSURE instead of stalling the loop
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "100");
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return withCluster(cluster, p, "", true);
    }

    /**
     * The changelog's writer: only the feeder thread sends, so it may wait for the state topic's metadata or for
     * buffer room. With the event loops' 100 ms a first write on a busy machine failed before the metadata came, and
     * the commit then passed a key or a cap send the changelog never got (repeated or uncounted at a takeover).
     */
    static Properties stateProducerProperties(final ClusterSettings cluster)
    {
        final Properties p = producerProperties(cluster);
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return p;
    }

    /** The status topic's reader: every partition, no group (each node reads everything), from the end. */
    static Properties followerProperties(final ClusterSettings cluster)
    {
        final Properties p = new Properties();
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return withCluster(cluster, p, "-status", false);
    }

    /** A resumed receipt subscription's reader of the status topic: as the follower's, its poll bounds a segment. */
    static Properties receiptsProperties(final ClusterSettings cluster, final int reader)
    {
        final Properties p = followerProperties(cluster);
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"); // a segment's ordinals fit ReceiptPositions
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // retention passing it: an error, never a skip
        if (cluster.nodeName() != null)
        {
            p.setProperty(CommonClientConfigs.CLIENT_ID_CONFIG, "dispatch-" + cluster.nodeName() + "-receipts-" + reader);
        }
        return p;
    }

    /** The changelog reader: assigned partitions only, no group, no commits. */
    static Properties restoreProperties(final ClusterSettings cluster)
    {
        final Properties p = new Properties();
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.setProperty(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        return withCluster(cluster, p, "-restore", false);
    }

    static Properties consumerProperties(final ClusterSettings cluster)
    {
        final Properties p = new Properties();
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, cluster.groupId());
        // KIP-848: the broker assigns incrementally, no stop-the-world rebalance; session timeouts are broker settings
        p.setProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        return withCluster(cluster, p, "", true);
    }

    /**
     * What every client of the node shares, added to its own settings: the brokers, a client id naming the node and
     * the client's role, and last the operator's {@code cluster.kafka.*}, so they win. A client outside the group
     * (it assigns its partitions itself) gets none of the {@code group.*} ones: a {@code group.instance.id} meant for
     * the feeder would make it join the group.
     */
    private static Properties withCluster(
        final ClusterSettings cluster, final Properties p, final String clientIdSuffix, final boolean inGroup)
    {
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        if (cluster.nodeName() != null)
        {
            p.setProperty(CommonClientConfigs.CLIENT_ID_CONFIG, "dispatch-" + cluster.nodeName() + clientIdSuffix);
        }
        cluster.kafka().forEach((k, v) ->
        {
            if (inGroup || !k.toString().startsWith("group."))
            {
                p.put(k, v);
            }
        });
        return p;
    }
}
