package io.dispatch.cluster;

import io.dispatch.ingest.AcceptedPublisher;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The consumer thread of a cluster node: owns the partitions the group assigns it and feeds their records, in
 * offset order, into the local ring as SUBMITs ({@link AcceptedPublisher}), where the single-node pipeline takes
 * over. It commits a partition's offset only past records the local journal holds ({@link HandledOffsets}).
 * <ul>
 *   <li>Revoked (a graceful hand-over): waits, bounded, until what it fed is journaled, commits, lets go.</li>
 *   <li>Lost (the group fenced this node): stops feeding those partitions at once; the new owner starts from the
 *       last commit, so what was fed after it may be sent twice (docs/design/cluster.md).</li>
 *   <li>A failed commit (a rebalance in progress): logged; the records are redelivered to the next owner.</li>
 * </ul>
 */
final class PartitionFeeder implements Runnable, ConsumerRebalanceListener
{
    private static final Logger LOG = LoggerFactory.getLogger(PartitionFeeder.class);
    private static final long REVOKE_WAIT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Commit metadata of a graceful hand-over: the next owner repeats nothing. */
    static final String HANDOVER = "handover";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AcceptedPublisher publisher;
    private final String topic;
    private final Map<TopicPartition, HandledOffsets> owned = new HashMap<>();
    private final ClusterRecords.Decoded decoded = new ClusterRecords.Decoded();
    private final Set<String> unknownTenants = new HashSet<>();
    private final AtomicLong fed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong owners = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean feeding = true;
    private volatile int ownedCount;
    /** CANCELs other nodes forwarded into the partitions (docs/design/cluster.md); set before the thread starts. */
    private ClusterCancels cancels;

    PartitionFeeder(final KafkaConsumer<byte[], byte[]> consumer, final AcceptedPublisher publisher, final String topic)
    {
        this.consumer = consumer;
        this.publisher = publisher;
        this.topic = topic;
    }

    @Override
    public void run()
    {
        try
        {
            consumer.subscribe(List.of(topic), this);
            while (running)
            {
                if (!feeding)
                {
                    // a graceful stop is waiting for the lanes: keep the partitions (and heartbeating), feed nothing
                    consumer.pause(consumer.assignment());
                }
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (final ConsumerRecord<byte[], byte[]> r : records)
                {
                    final HandledOffsets h = owned.get(new TopicPartition(r.topic(), r.partition()));
                    if (h == null)
                    {
                        continue; // revoked or lost meanwhile: its next owner reads it from the last commit
                    }
                    if (!feeding || !feed(r, h))
                    {
                        // stopping: every partition is handed over next, committed only as far as it was fed
                        break;
                    }
                }
                commitHandled();
            }
            // a graceful stop: hand every partition over with what it fed journaled and committed
            handOver(new HashSet<>(owned.keySet()));
        }
        catch (final WakeupException ex)
        {
            // close() while waiting in poll
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=cluster_feeder_failed error=\"{}\" effect=\"this node consumes no partition; the group" +
                " moves them to the other nodes\"", ex.toString(), ex);
        }
        finally
        {
            try
            {
                consumer.close(Duration.ofSeconds(5));
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=cluster_consumer_close_failed error=\"{}\"", ex.toString());
            }
        }
    }

    void cancels(final ClusterCancels cancels)
    {
        this.cancels = cancels;
    }

    /** The first step of a graceful stop: feed nothing more, keep the partitions until {@link #stop()}. */
    void pauseFeeding()
    {
        feeding = false;
    }

    /** Asks the thread to hand its partitions over and stop; {@code join} the thread to wait for it. */
    void stop()
    {
        running = false;
    }

    long fed()
    {
        return fed.get();
    }

    long skipped()
    {
        return skipped.get();
    }

    /**
     * @return records fed after a takeover that the previous owner may already have sent (it did not hand the
     *         partition over): an upper bound of the repeated sends.
     */
    long redelivered()
    {
        return redelivered.get();
    }

    int ownedPartitions()
    {
        return ownedCount;
    }

    /** @return how many assignments this node received since it started (a rebalance adds one). */
    long assignments()
    {
        return owners.get();
    }

    /** @return false when stopping before the record could be published (it is not committed). */
    private boolean feed(final ConsumerRecord<byte[], byte[]> r, final HandledOffsets h)
    {
        if (cancels != null && CancelRecords.isCancel(r.value()))
        {
            final long sequence = cancels.apply(r.value(), h.lastSequence(), () -> running);
            if (sequence < 0)
            {
                return false;
            }
            h.published(r.offset(), sequence);
            return true;
        }
        final String broken = decoded.wrap(r.value());
        final int tenantId = broken == null ? publisher.tenantId(decoded.tenant) : -1;
        if (broken != null || tenantId < 0 || !publisher.hasLane(decoded.channel))
        {
            skip(r, broken != null ? broken : tenantId < 0 ? "tenant '" + decoded.tenant + "' is not configured on this" +
                " node" : "channel " + decoded.channel + " has no lane on this node");
            return true;
        }
        while (true)
        {
            final long sequence = publisher.tryPublish(tenantId, decoded.kind, decoded.channel, decoded.sendAtMs,
                decoded.bytes, decoded.bodyOffset, decoded.bodyLength, ClusterMessageIds.of(r.partition(), r.offset()));
            if (sequence >= 0)
            {
                h.published(r.offset(), sequence);
                fed.incrementAndGet();
                if (r.offset() < h.takeoverEnd)
                {
                    redelivered.incrementAndGet();
                }
                return true;
            }
            if (!running)
            {
                return false;
            }
            // a full lane or ring: the records wait in Kafka, not in memory; commits keep up meanwhile
            commitHandled();
            LockSupport.parkNanos(200_000);
        }
    }

    /** Every node must have the same tenants and lanes; a record no node could send is skipped, not retried forever. */
    private void skip(final ConsumerRecord<byte[], byte[]> r, final String why)
    {
        skipped.incrementAndGet();
        if (unknownTenants.add(why))
        {
            LOG.error("event=cluster_record_skipped partition={} offset={} problem=\"{}\" fix=\"give every node the same" +
                " tenants and lanes\" (logged once per problem)", r.partition(), r.offset(), why);
        }
    }

    private void commitHandled()
    {
        final long through = publisher.handledThrough();
        Map<TopicPartition, OffsetAndMetadata> commits = null;
        for (final Map.Entry<TopicPartition, HandledOffsets> e : owned.entrySet())
        {
            if (e.getValue().handledThrough(through))
            {
                if (commits == null)
                {
                    commits = new HashMap<>();
                }
                commits.put(e.getKey(), new OffsetAndMetadata(e.getValue().commitOffset()));
            }
        }
        if (commits != null)
        {
            consumer.commitAsync(commits, (offsets, ex) ->
            {
                if (ex != null)
                {
                    // during a rebalance: the next owner starts from the previous commit and sees these again
                    LOG.info("event=cluster_commit_failed partitions={} error=\"{}\"", offsets.keySet(), ex.toString());
                }
            });
        }
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
    {
        for (final TopicPartition tp : partitions)
        {
            owned.put(tp, new HandledOffsets());
        }
        markTakeovers(partitions);
        ownedCount = owned.size();
        owners.incrementAndGet();
        LOG.info("event=cluster_partitions_assigned added={} owned={}", partitions, owned.size());
    }

    /**
     * A partition whose last commit is not a {@link #HANDOVER} came from an owner that stopped without handing it over
     * (killed, or fenced): every record already in it past the commit may have been sent by that owner.
     */
    private void markTakeovers(final Collection<TopicPartition> partitions)
    {
        if (partitions.isEmpty())
        {
            return;
        }
        try
        {
            final Set<TopicPartition> set = new HashSet<>(partitions);
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set, Duration.ofSeconds(5));
            final Map<TopicPartition, Long> ends = consumer.endOffsets(set, Duration.ofSeconds(5));
            for (final TopicPartition tp : partitions)
            {
                final OffsetAndMetadata c = committed.get(tp);
                final Long end = ends.get(tp);
                if (c != null && end != null && !HANDOVER.equals(c.metadata()) && end > c.offset())
                {
                    owned.get(tp).takeoverEnd = end;
                    LOG.info("event=cluster_takeover partition={} committed={} end={} effect=\"up to {} records may be" +
                        " sent again\"", tp, c.offset(), end, end - c.offset());
                }
            }
        }
        catch (final KafkaException ex)
        {
            LOG.warn("event=cluster_takeover_unknown partitions={} error=\"{}\" effect=\"repeats after this takeover are" +
                " not counted\"", partitions, ex.toString());
        }
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
    {
        handOver(partitions);
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> partitions)
    {
        for (final TopicPartition tp : partitions)
        {
            owned.remove(tp);
        }
        ownedCount = owned.size();
        LOG.warn("event=cluster_partitions_lost partitions={} effect=\"no longer fed from here; the new owner starts" +
            " from their last commit\"", partitions);
    }

    /** Waits, bounded, until what was fed from {@code partitions} is journaled, then commits it synchronously. */
    private void handOver(final Collection<TopicPartition> partitions)
    {
        final long deadline = System.nanoTime() + REVOKE_WAIT_NS;
        long last = -1;
        for (final TopicPartition tp : partitions)
        {
            final HandledOffsets h = owned.get(tp);
            if (h != null)
            {
                last = Math.max(last, h.lastSequence());
            }
        }
        while (last >= 0 && publisher.handledThrough() < last && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
        final long through = publisher.handledThrough();
        final Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (final TopicPartition tp : partitions)
        {
            final HandledOffsets h = owned.remove(tp);
            if (h != null)
            {
                h.handledThrough(through);
                if (h.commitOffset() >= 0)
                {
                    commits.put(tp, new OffsetAndMetadata(h.commitOffset(), HANDOVER));
                }
            }
        }
        ownedCount = owned.size();
        if (!commits.isEmpty())
        {
            try
            {
                consumer.commitSync(commits, Duration.ofSeconds(5));
            }
            catch (final KafkaException ex)
            {
                LOG.info("event=cluster_commit_failed partitions={} error=\"{}\" effect=\"the next owner sends what" +
                    " was fed since the last commit again\"", commits.keySet(), ex.toString());
            }
        }
        LOG.info("event=cluster_partitions_revoked partitions={} committed={} owned={}", partitions, commits.size(),
            owned.size());
    }
}
