package io.dispatch.cluster;

import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.stage.StateTap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The owner's half of "same protocol from any node": the status stage hands every accepted message and state change
 * here ({@link StateTap}, on its own thread, no allocation, no lock), translated to the message's cluster id, into a
 * one-to-one ring buffer; the {@link #run publishing thread} writes them to the status topic, each to the partition
 * of its cluster id, so one message's changes stay in order. Every node reads that topic ({@link StatusFollower}).
 * <p>
 * Local id → cluster id is direct-mapped by local id (a journal index, dense like the status table's slots), so it
 * forgets a message when the status table does. Messages accepted here (a campaign's) keep their local id and are
 * published for this node alone ({@link StatusRecords#STATE} with an origin). After a restart the journal's recovery
 * gives back the cluster ids of the messages it resumes ({@link #recovered}: the ACCEPTED record keeps it).
 */
final class ClusterStateTap implements StateTap, Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStateTap.class);
    private static final int MSG_STATE = 1;
    private static final int MSG_CANCELLED = 2;
    private static final int RECORD = 8 + 8 + 1 + 1 + 2 + 8 + 1 + 1 + 4;
    /** Marks a cluster id given back by recovery (cluster ids never have the sign bit: {@link ClusterMessageIds}). */
    private static final long RECOVERED = Long.MIN_VALUE;

    private final long[] localIds;
    private final long[] clusterIds;
    /** Cluster id → local id, direct-mapped by cluster id: read by the feeder for a forwarded CANCEL. */
    private final long[] byCluster;
    private final long[] localByCluster;
    private final int mask;
    private final int clusterMask;
    private final int clusterPartitions;
    private final RingBuffer changes;
    private final long nodeId;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final org.apache.kafka.clients.producer.Callback failed = (metadata, ex) ->
    {
        if (ex != null)
        {
            dropped.incrementAndGet();
        }
    };
    private volatile Producer<byte[], byte[]> producer;
    private volatile AcceptedPublisher names;
    private volatile ClusterCancels cancels;
    private volatile ClusterRateShare share;
    private volatile String topic;
    private volatile int partitions;
    private volatile boolean running = true;

    /**
     * @param capacity        local ids remembered: the status table's size, so a message the table holds is never
     *                        forgotten here (both are direct-mapped by local id).
     * @param clusterCapacity cluster ids remembered for forwarded CANCELs (a power of two).
     * @param nodeId   this node's id in the status topic, for the messages it accepted itself.
     */
    ClusterStateTap(final int capacity, final int clusterCapacity, final int bufferBytes, final long nodeId,
        final int clusterPartitions)
    {
        this.clusterPartitions = clusterPartitions;
        localIds = new long[capacity];
        clusterIds = new long[capacity];
        mask = capacity - 1;
        byCluster = new long[clusterCapacity];
        localByCluster = new long[clusterCapacity];
        clusterMask = clusterCapacity - 1;
        changes = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(bufferBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.nodeId = nodeId;
    }

    /** Before {@link #run}: where to publish ({@code partitions}: the status topic's), and how to name a tenant. */
    void publishTo(final Producer<byte[], byte[]> producer, final String topic, final int partitions,
        final AcceptedPublisher names, final ClusterCancels cancels, final ClusterRateShare share)
    {
        this.share = share;
        this.cancels = cancels;
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.names = names;
    }

    // ---- status stage thread ----

    @Override
    public void accepted(final long messageId, final long sourceId, final int tenantId, final byte channel,
        final byte kind, final long atMs)
    {
        final int slot = (int)messageId & mask;
        localIds[slot] = messageId;
        clusterIds[slot] = sourceId;
        if (sourceId == 0)
        {
            return; // accepted here (a campaign's): no ACCEPTED receipt on one node either
        }
        final int bySlot = clusterSlot(sourceId);
        localByCluster[bySlot] = messageId;
        byCluster[bySlot] = sourceId;
        offer(sourceId, DeliveryState.ACCEPTED.code(), (byte)0, (short)0, atMs, channel, kind, tenantId, false);
    }

    /**
     * Launching thread, before the ring starts (its start orders these writes before the status stage's and the
     * feeder's reads). Also cluster id → local id, for a history asked by cluster id ({@link ClusterHistory}): a
     * message fed again after the restart (it was not finished) takes that entry over when it is accepted.
     */
    @Override
    public void recovered(final long messageId, final long sourceId)
    {
        final int slot = (int)messageId & mask;
        localIds[slot] = messageId;
        clusterIds[slot] = sourceId | RECOVERED;
        final int bySlot = clusterSlot(sourceId);
        localByCluster[bySlot] = messageId;
        byCluster[bySlot] = sourceId;
    }

    @Override
    public boolean state(final long messageId, final byte state, final byte attempts, final short reason,
        final long atMs, final byte channel, final byte kind, final int tenantId)
    {
        final int slot = (int)messageId & mask;
        final long clusterId = clusterIds[slot];
        if (localIds[slot] == messageId && clusterId != 0)
        {
            // a copy whose partition this node lost (a restart's recovery resumed it, or the group moved the partition
            // while the node ran) is ended unsent by the fence while the partition's owner sends the message from the
            // log under the same cluster id: that end is no state of the message, any other change of the copy (a
            // receipt of a send made before, an expiry) is
            if (reason != Reason.OWNERSHIP_LOST.code())
            {
                offer(clusterId & ~RECOVERED, state, attempts, reason, atMs, channel, kind, tenantId, false);
            }
        }
        else
        {
            offer(messageId, state, attempts, reason, atMs, channel, kind, tenantId, true);
        }
        return true;
    }

    @Override
    public void cancelled(final long request, final long messageId, final byte outcome)
    {
        final int index = changes.tryClaim(MSG_CANCELLED, 9);
        if (index <= 0)
        {
            dropped.incrementAndGet(); // the forwarding node answers the client when its wait ends
            return;
        }
        final UnsafeBuffer b = (UnsafeBuffer)changes.buffer();
        b.putLong(index, request, ByteOrder.LITTLE_ENDIAN);
        b.putByte(index + 8, outcome);
        changes.commit(index);
    }

    private int clusterSlot(final long clusterId)
    {
        final long spread = ClusterMessageIds.offset(clusterId) * clusterPartitions +
            ClusterMessageIds.partition(clusterId);
        return (int)spread & clusterMask;
    }

    /**
     * Feeder thread, once every event it fed before has passed the status stage (so the plain writes above are
     * visible through the ring's sequences); or the status follower for a history request, which may miss a message
     * taken a moment ago (a plain read of a single writer's longs).
     *
     * @return the local id of a cluster id this node accepted, or 0 when it holds none (not taken, or forgotten).
     */
    long localId(final long clusterId)
    {
        final int slot = clusterSlot(clusterId);
        return byCluster[slot] == clusterId ? localByCluster[slot] : 0;
    }

    private void offer(final long id, final byte state, final byte attempts, final short reason, final long atMs,
        final byte channel, final byte kind, final int tenantId, final boolean local)
    {
        final int index = changes.tryClaim(MSG_STATE, RECORD);
        if (index <= 0)
        {
            dropped.incrementAndGet(); // the publisher logs it: never a log line per message on this thread
            return;
        }
        final UnsafeBuffer b = (UnsafeBuffer)changes.buffer();
        b.putLong(index, id, ByteOrder.LITTLE_ENDIAN);
        b.putLong(index + 8, local ? nodeId : 0, ByteOrder.LITTLE_ENDIAN);
        b.putByte(index + 16, state);
        b.putByte(index + 17, attempts);
        b.putShort(index + 18, reason, ByteOrder.LITTLE_ENDIAN);
        b.putLong(index + 20, atMs, ByteOrder.LITTLE_ENDIAN);
        b.putByte(index + 28, channel);
        b.putByte(index + 29, kind);
        b.putInt(index + 30, tenantId, ByteOrder.LITTLE_ENDIAN);
        changes.commit(index);
    }

    // ---- publishing thread ----

    /** @return state changes written to the status topic. */
    long published()
    {
        return published.get();
    }

    /** @return state changes lost because the buffer to the publishing thread was full (logged). */
    long dropped()
    {
        return dropped.get();
    }

    void stop()
    {
        running = false;
    }

    private final org.agrona.concurrent.MessageHandler handler = (type, buffer, index, length) ->
    {
        if (type == MSG_CANCELLED)
        {
            cancels.decided(buffer.getLong(index, ByteOrder.LITTLE_ENDIAN), buffer.getByte(index + 8));
        }
        else
        {
            publish(buffer, index);
        }
    };

    @Override
    public void run()
    {
        long droppedLogged = 0;
        while (running || changes.size() > 0)
        {
            final int read = changes.read(handler, 256);
            final long d = dropped.get();
            if (d != droppedLogged)
            {
                LOG.warn("event=cluster_status_dropped total={} effect=\"those state changes reach no subscriber or" +
                    " STATUS\" fix=\"the status topic is slower than the engine: check the brokers\"", d);
                droppedLogged = d;
            }
            share.nudgeOnChange(names);
            if (read == 0)
            {
                LockSupport.parkNanos(500_000);
            }
        }
    }

    private void publish(final org.agrona.MutableDirectBuffer buffer, final int index)
    {
        final long id = buffer.getLong(index, ByteOrder.LITTLE_ENDIAN);
        final long origin = buffer.getLong(index + 8, ByteOrder.LITTLE_ENDIAN);
        final int tenantId = buffer.getInt(index + 30, ByteOrder.LITTLE_ENDIAN);
        final byte[] value = StatusRecords.value(StatusRecords.STATE, id, origin, buffer.getByte(index + 16),
            buffer.getByte(index + 17), buffer.getShort(index + 18, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(index + 20, ByteOrder.LITTLE_ENDIAN), buffer.getByte(index + 28), buffer.getByte(index + 29),
            names.tenantName(tenantId));
        // a cluster id's changes go to its own partition number: in order per message, spread like the messages
        final int partition = origin == 0 ? ClusterMessageIds.partition(id) % partitions :
            (int)Long.remainderUnsigned(id, partitions);
        try
        {
            producer.send(new ProducerRecord<>(topic, partition, null, value), failed);
            published.incrementAndGet();
        }
        catch (final KafkaException ex)
        {
            dropped.incrementAndGet();
        }
    }
}
