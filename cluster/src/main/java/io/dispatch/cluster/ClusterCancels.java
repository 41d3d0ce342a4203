package io.dispatch.cluster;

import io.dispatch.ingest.AcceptedPublisher;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The owner's side of a CANCEL forwarded from another node ({@link CancelRecords}, read from the message's own
 * partition after the message): translated to the local id and published into the ring as a session-less CANCEL;
 * the status stage's decision comes back through {@link ClusterStateTap} ({@link #decided}) and is published on the
 * status topic for the forwarding node ({@link StatusRecords#CANCEL_RESULT}).
 */
final class ClusterCancels
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCancels.class);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private record Forwarded(long clusterId, long origin, long request, byte[] tenant)
    {
    }

    private final Producer<byte[], byte[]> producer;
    private final String statusTopic;
    private final int partitions;
    private final ClusterStateTap tap;
    private final AcceptedPublisher publisher;
    private final CancelRecords.Decoded decoded = new CancelRecords.Decoded();
    private final Map<Long, Forwarded> forwarded = new ConcurrentHashMap<>();
    private final AtomicLong handles = new AtomicLong();

    ClusterCancels(final Producer<byte[], byte[]> producer, final String statusTopic, final int partitions,
        final ClusterStateTap tap, final AcceptedPublisher publisher)
    {
        this.producer = producer;
        this.statusTopic = statusTopic;
        this.partitions = partitions;
        this.tap = tap;
        this.publisher = publisher;
    }

    /**
     * Feeder thread: a cancel record of an owned partition.
     *
     * @param lastFed the ring sequence of the last record fed before it (-1 when all are handled).
     * @return the ring sequence the record counts as handled at, or -1 when stopping before it was published.
     */
    long apply(final byte[] value, final long lastFed, final java.util.function.BooleanSupplier running)
    {
        final String broken = decoded.wrap(value);
        if (broken != null)
        {
            LOG.error("event=cluster_record_skipped problem=\"{}\"", broken);
            return publisher.handledThrough();
        }
        // the message it names was fed before it: wait until the status stage has mapped its cluster id
        final long deadline = System.nanoTime() + WAIT_NS;
        while (publisher.handledThrough() < lastFed && System.nanoTime() < deadline && running.getAsBoolean())
        {
            LockSupport.parkNanos(200_000);
        }
        final int tenantId = publisher.tenantId(decoded.tenant);
        final long local = tap.localId(decoded.clusterId);
        final byte[] tenant = decoded.tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (local == 0 || tenantId < 0)
        {
            answer(decoded.clusterId, decoded.origin, decoded.request, StatusRecords.CANCEL_UNKNOWN, tenant);
            return publisher.handledThrough();
        }
        final long handle = handles.incrementAndGet();
        forwarded.put(handle, new Forwarded(decoded.clusterId, decoded.origin, decoded.request, tenant));
        while (true)
        {
            final long sequence = publisher.tryPublishCancel(tenantId, local, handle);
            if (sequence >= 0)
            {
                return sequence;
            }
            if (!running.getAsBoolean())
            {
                forwarded.remove(handle);
                return -1;
            }
            LockSupport.parkNanos(200_000); // a full ring: the records wait in Kafka
        }
    }

    /** Publishing thread: the ring decided the forwarded CANCEL {@code handle}. */
    void decided(final long handle, final byte outcome)
    {
        final Forwarded f = forwarded.remove(handle);
        if (f != null)
        {
            answer(f.clusterId(), f.origin(), f.request(), outcome, f.tenant());
        }
    }

    private void answer(final long clusterId, final long origin, final long request, final byte result,
        final byte[] tenant)
    {
        final byte[] value = StatusRecords.value(StatusRecords.CANCEL_RESULT, clusterId, origin, result, (byte)0,
            (short)0, request, (byte)0, (byte)0, tenant);
        try
        {
            producer.send(new ProducerRecord<>(statusTopic, ClusterMessageIds.partition(clusterId) % partitions, null,
                value));
        }
        catch (final KafkaException ex)
        {
            LOG.warn("event=cluster_cancel_answer_failed id={} error=\"{}\" effect=\"the forwarding node answers its" +
                " client when its wait ends\"", clusterId, ex.toString());
        }
    }
}
