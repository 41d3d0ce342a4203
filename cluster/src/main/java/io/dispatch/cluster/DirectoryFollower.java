package io.dispatch.cluster;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.targeting.Requester;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Applies the directory rows of the partitions this node owns to its own directory: each partition of the directory
 * topic is read from its start when the node comes to own the cluster topic's partition of the same number (the
 * topic is compacted, and keeps each field's latest op: {@link DirectoryRowKeys}), and followed while it is owned. No consumer group:
 * ownership is the feeder's ({@link OwnershipFence}), looked at every loop. Rows of a partition the node lost stay in
 * its directory; a campaign started here skips them ({@code ClusterTargeting.owns}).
 * <p>
 * Rows are handed to the targeting thread as DIRECTORY_UPDATE batches with nobody to answer, so they are validated,
 * journaled in the node's directory journal and applied exactly as a client's; what it refuses is counted and
 * logged here.
 * <p>
 * The same partitions carry the campaigns' handled marks ({@link HandledMarks}), kept per partition while it is
 * owned. Once a newly owned partition is read up to its end as of the assignment (its rows applied, every mark an
 * earlier owner wrote before letting go read), the running campaigns are taken over on it ({@link
 * ClusterCampaigns#partitionGained}).
 */
final class DirectoryFollower implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryFollower.class);
    /** Below the engine's 1 MiB frame cap, like a client's batch. */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final int partitions;
    private final OwnershipFence fence;
    private final LocalTargeting local;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Set<String> unknownTenants = new HashSet<>();
    private final Counting counting = new Counting();
    /** Per owned partition: campaign ({@code tenant/name}) to the recipient ids an owner of it handled. */
    private final Map<Integer, Map<String, Set<String>>> handled = new HashMap<>();
    /** Newly owned partitions not yet read up to their end offset as of the assignment. */
    private final Map<TopicPartition, Long> catchingUp = new HashMap<>();
    private ClusterCampaigns campaigns;
    private volatile boolean running = true;

    DirectoryFollower(final KafkaConsumer<byte[], byte[]> consumer, final String topic, final int partitions,
        final OwnershipFence fence, final LocalTargeting local)
    {
        this.consumer = consumer;
        this.topic = topic;
        this.partitions = partitions;
        this.fence = fence;
        this.local = local;
    }

    /** Before the thread starts: who takes a caught-up partition's campaigns over. */
    void campaigns(final ClusterCampaigns campaigns)
    {
        this.campaigns = campaigns;
    }

    /** @return directory rows this node applied from the directory topic (re-reads at an assignment included). */
    long applied()
    {
        return applied.get();
    }

    /** @return rows this node's directory refused (full, a type conflict, a tenant it lacks): logged. */
    long refused()
    {
        return refused.get();
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                follow();
                if (assigned.isEmpty())
                {
                    LockSupport.parkNanos(50_000_000); // ownership has no event to await from this thread
                    continue;
                }
                apply(consumer.poll(Duration.ofMillis(50)));
                caughtUp();
            }
        }
        catch (final WakeupException ex)
        {
            // stopping
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=cluster_directory_follower_failed error={} (directory rows stop reaching this node; restart it)",
                ex.toString());
        }
        finally
        {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop()
    {
        running = false;
        consumer.wakeup();
    }

    /** Reads the partitions this node owns now; one newly owned is read from its start. */
    private void follow()
    {
        final Set<TopicPartition> owned = new HashSet<>();
        for (int p = 0; p < partitions; p++)
        {
            if (fence.epoch(p) != 0)
            {
                owned.add(new TopicPartition(topic, p));
            }
        }
        if (owned.equals(assigned))
        {
            return;
        }
        final List<TopicPartition> added = new ArrayList<>(owned);
        added.removeAll(assigned);
        assigned.clear();
        assigned.addAll(owned);
        consumer.assign(owned);
        consumer.seekToBeginning(added);
        handled.keySet().removeIf(p -> !owned.contains(new TopicPartition(topic, p)));
        catchingUp.keySet().retainAll(owned);
        for (final TopicPartition tp : added)
        {
            handled.put(tp.partition(), new HashMap<>());
        }
        if (!added.isEmpty())
        {
            catchingUp.putAll(consumer.endOffsets(added));
        }
    }

    /** A newly owned partition read up to its end as of the assignment: its campaigns are taken over. */
    private void caughtUp()
    {
        if (catchingUp.isEmpty())
        {
            return;
        }
        final java.util.Iterator<Map.Entry<TopicPartition, Long>> it = catchingUp.entrySet().iterator();
        while (it.hasNext())
        {
            final Map.Entry<TopicPartition, Long> e = it.next();
            if (consumer.position(e.getKey()) >= e.getValue())
            {
                it.remove();
                if (campaigns != null)
                {
                    // a copy: this thread goes on adding marks read later
                    final Map<String, Set<String>> copy = new HashMap<>();
                    handled.get(e.getKey().partition()).forEach((k, v) -> copy.put(k, new HashSet<>(v)));
                    campaigns.partitionGained(e.getKey().partition(), copy);
                }
            }
        }
    }

    private void apply(final ConsumerRecords<byte[], byte[]> records)
    {
        byte[] tenant = null;
        final List<byte[]> batch = new ArrayList<>();
        int bytes = 0;
        for (final ConsumerRecord<byte[], byte[]> r : records)
        {
            final byte[] v = r.value();
            if (v == null || v.length < 2)
            {
                continue;
            }
            if (HandledMarks.isMarks(v))
            {
                final Map<String, Set<String>> marks = handled.get(r.partition());
                if (marks != null)
                {
                    HandledMarks.read(v, (campaign, id) ->
                        marks.computeIfAbsent(campaign, k -> new HashSet<>()).add(id));
                }
                continue;
            }
            final byte[] name = java.util.Arrays.copyOfRange(v, 1, 1 + (v[0] & 0xFF));
            final int opLength = v.length - 1 - name.length;
            if (tenant != null && (!java.util.Arrays.equals(name, tenant) || batch.size() == DirectoryOp.MAX_BATCH_COUNT
                || bytes + opLength + 2 > MAX_BATCH_BYTES))
            {
                hand(tenant, batch, bytes);
                batch.clear();
                bytes = 0;
            }
            tenant = name;
            batch.add(v);
            bytes += opLength + 2;
        }
        if (tenant != null)
        {
            hand(tenant, batch, bytes);
        }
    }

    /** A DIRECTORY_UPDATE body of the rows, to the targeting thread (waits while its inbox is full). */
    private void hand(final byte[] tenantName, final List<byte[]> rows, final int bytes)
    {
        final String name = new String(tenantName, StandardCharsets.UTF_8);
        final int tenantId = local.tenantId(name);
        if (tenantId == 0)
        {
            refused.addAndGet(rows.size());
            if (unknownTenants.add(name))
            {
                LOG.warn("event=cluster_record_skipped reason=unknown_tenant tenant={} what=directory_rows " +
                    "fix=\"give every node the same tenants and lanes\"", name);
            }
            return;
        }
        final byte[] body = new byte[DirectoryOp.BATCH_HEADER_LENGTH + bytes];
        body[0] = (byte)rows.size();
        body[1] = (byte)(rows.size() >>> 8);
        int at = DirectoryOp.BATCH_HEADER_LENGTH;
        for (final byte[] v : rows)
        {
            final int from = 1 + tenantName.length;
            final int n = v.length - from;
            body[at] = (byte)n;
            body[at + 1] = (byte)(n >>> 8);
            System.arraycopy(v, from, body, at + 2, n);
            at += 2 + n;
        }
        while (running && !local.offer(new TargetingRequest(TargetingRequest.DIRECTORY_UPDATE, tenantId, counting, 0,
            body), LocalTargeting.ANSWER_TIMEOUT_MS))
        {
            LOG.warn("event=cluster_directory_rows_waiting reason=targeting_inbox_full rows={}", rows.size());
        }
    }

    /** Counts what the targeting thread applied and refused of each batch (its DIRECTORY_RESULT). */
    private final class Counting implements Requester
    {
        @Override
        public void answer(final ByteBuf frame)
        {
            try
            {
                final int body = frame.readerIndex() + FrameDescriptor.HEADER_LENGTH;
                if (frame.getByte(frame.readerIndex() + FrameDescriptor.TYPE_OFFSET) != MessageType.DIRECTORY_RESULT)
                {
                    refused.incrementAndGet();
                    return;
                }
                applied.addAndGet(frame.getUnsignedShortLE(body));
                final int rejected = frame.getUnsignedShortLE(body + 2);
                if (rejected > 0 && refused.getAndAdd(rejected) % 1000 == 0)
                {
                    final int n = frame.getUnsignedShortLE(body + 8);
                    LOG.warn("event=cluster_directory_rows_refused count={} first_problem=\"{}\" (the row was written " +
                        "to Kafka and answered; this node's directory did not take it)", rejected,
                        frame.toString(body + 10, n, StandardCharsets.UTF_8));
                }
            }
            finally
            {
                frame.release();
            }
        }
    }
}
