package io.dispatch.cluster;

import io.dispatch.admin.MessageHistoryRoute;
import io.dispatch.journal.MessageHistory;
import io.dispatch.route.AdminReply;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /messages/<cluster id>/history} through any node: the history is in the journal of the node that holds
 * the message, under its local id, or of two or more nodes when the message's partition moved before it was finished
 * (each owner journaled its part under a local id of its own). The asked node writes a request on the status topic,
 * on the cluster id's partition; every node reads it ({@link StatusFollower}), and a node whose status tap holds a
 * local copy of that cluster id reads its journal on a thread of its own and writes its copy ({@link #COPY},
 * {@link HistoryCopies}) on the same partition. The asked node waits up to {@link #WAIT_MS} for the first answer,
 * then {@link #COLLECT_MS} more for the other copies, and shows them merged in time order, each change marked with
 * its node ({@link MessageHistoryRoute#copies}); 504 when no node answered.
 * <p>
 * Values (little-endian), after the status topic's u8 type: {@link #REQUEST} i64 clusterId, i64 asking node, i64
 * request, u8 text, i64 limit, u8 tenant name length, tenant name (length 0: any tenant); {@link #ANSWER} i64
 * clusterId, i64 asking node, i64 request, i16 HTTP status, i32 body length, body (UTF-8): a refusal (404, 413), or
 * an earlier version's rendered history; {@link #COPY} i64 clusterId, i64 asking node, i64 request, the copy.
 */
final class ClusterHistory
{
    static final byte REQUEST = 3;
    static final byte ANSWER = 4;
    static final byte COPY = 5;
    /** Below common HTTP clients' timeouts: the caller gets the 504, not a timeout of its own. */
    static final long WAIT_MS = 5_000;
    /**
     * After the first answer: how long the other copies' holders have to answer. They read the same request from the
     * same partition and answer from their journals, which takes milliseconds; a copy later than that is left out.
     */
    static final long COLLECT_MS = 1_000;
    /** Below the brokers' default record size limit (1 MB), with room for the header. */
    static final int MAX_BODY = 900_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHistory.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final long nodeId;
    private final String nodeName;
    private final ClusterStateTap tap;
    private final MessageHistoryRoute route;
    private final AtomicLong requests = new AtomicLong();
    private final Map<Long, Answers> waiting = new ConcurrentHashMap<>();
    /** Journal reads for other nodes, one at a time; more than a few waiting are dropped (the asker's wait ends). */
    private final ThreadPoolExecutor reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(16), r ->
        {
            final Thread t = new Thread(r, "cluster-history");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());

    ClusterHistory(final Producer<byte[], byte[]> producer, final String topic, final int partitions,
        final long nodeId, final String nodeName, final ClusterStateTap tap, final MessageHistoryRoute route)
    {
        this.nodeName = nodeName;
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.nodeId = nodeId;
        this.tap = tap;
        this.route = route;
    }

    /** Admin thread ({@link MessageHistoryRoute.Remote}): asks the cluster for a cluster id's history and waits. */
    AdminReply history(final long messageId, final String tenant, final long limit, final boolean text)
    {
        if (!ClusterMessageIds.isClusterId(messageId))
        {
            return null; // a local id (a campaign's message): this node's journal
        }
        final long request = requests.incrementAndGet();
        final Answers answers = new Answers();
        waiting.put(request, answers);
        try
        {
            final byte[] name = tenant == null ? new byte[0] : tenant.getBytes(StandardCharsets.UTF_8);
            if (name.length > 255)
            {
                return AdminReply.badRequest("tenant name longer than 255 bytes");
            }
            final ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 1 + 8 + 1 + name.length)
                .order(ByteOrder.LITTLE_ENDIAN);
            b.put(REQUEST).putLong(messageId).putLong(nodeId).putLong(request).put((byte)(text ? 1 : 0))
                .putLong(limit).put((byte)name.length).put(name);
            producer.send(new ProducerRecord<>(topic, partitionOf(messageId), null, b.array()));
            final AdminReply reply = answers.collect(messageId, text);
            if (reply != null)
            {
                return reply;
            }
            return new AdminReply(504, "no node answered for message " + messageId + " within " + WAIT_MS / 1000 +
                " s: no node holds it (unknown, or older than the status tables), or its partition is moving; retry\n");
        }
        catch (final KafkaException ex)
        {
            return new AdminReply(503, "cannot ask the cluster for message " + messageId + ": " + ex + "\n");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new AdminReply(503, "interrupted\n");
        }
        finally
        {
            waiting.remove(request);
        }
    }

    /**
     * Follower thread: a request or an answer read from the status topic.
     *
     * @return null when well formed, else what is wrong.
     */
    String onRecord(final byte[] value)
    {
        try
        {
            read(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN));
            return null;
        }
        catch (final java.nio.BufferUnderflowException | NegativeArraySizeException | IndexOutOfBoundsException ex)
        {
            return "history record of " + value.length + " bytes is cut short";
        }
    }

    private void read(final ByteBuffer b)
    {
        final byte type = b.get();
        final long clusterId = b.getLong();
        final long asker = b.getLong();
        final long request = b.getLong();
        if (type == ANSWER || type == COPY)
        {
            final Answers answers = asker == nodeId ? waiting.get(request) : null;
            if (answers != null && type == COPY)
            {
                answers.copy(HistoryCopies.decode(b));
            }
            else if (answers != null)
            {
                final int status = b.getShort();
                final byte[] body = new byte[b.getInt()];
                b.get(body);
                answers.other(new AdminReply(status, new String(body, StandardCharsets.UTF_8)));
            }
            return;
        }
        // the status stage writes the tap's map: a message taken a moment ago may not be seen yet (no answer here)
        final long localId = tap.localId(clusterId);
        if (localId == 0)
        {
            return;
        }
        b.get(); // text or JSON: the asking node renders
        final long limit = b.getLong();
        final byte[] name = new byte[b.get() & 0xFF];
        b.get(name);
        final String tenant = name.length == 0 ? null : new String(name, StandardCharsets.UTF_8);
        try
        {
            reader.execute(() -> answer(clusterId, asker, request, localId, tenant, limit));
        }
        catch (final RejectedExecutionException ex)
        {
            LOG.warn("event=cluster_history_dropped message={} effect=\"the asking node answers 504\" fix=\"fewer" +
                " history requests at once\"", clusterId);
        }
    }

    private void answer(final long clusterId, final long asker, final long request, final long localId,
        final String tenant, final long limit)
    {
        final MessageHistory history = route.read(localId, clusterId, tenant, limit);
        if (history == null)
        {
            refuse(clusterId, asker, request, MessageHistoryRoute.notFound(clusterId, tenant));
            return;
        }
        final byte[] copy = HistoryCopies.encode(nodeName, localId, history);
        if (copy.length > MAX_BODY)
        {
            refuse(clusterId, asker, request, new AdminReply(413, "the history of message " + clusterId + " on node " +
                nodeName + " is " + copy.length + " bytes, more than one status record carries (" + MAX_BODY + "):" +
                " ask again with a smaller limit\n"));
            return;
        }
        final ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + copy.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(COPY).putLong(clusterId).putLong(asker).putLong(request).put(copy);
        send(clusterId, b.array());
    }

    private void refuse(final long clusterId, final long asker, final long request, final AdminReply reply)
    {
        final byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 2 + 4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ANSWER).putLong(clusterId).putLong(asker).putLong(request).putShort((short)reply.status())
            .putInt(body.length).put(body);
        send(clusterId, b.array());
    }

    private void send(final long clusterId, final byte[] value)
    {
        try
        {
            producer.send(new ProducerRecord<>(topic, partitionOf(clusterId), null, value));
        }
        catch (final KafkaException ex)
        {
            LOG.warn("event=cluster_history_answer_failed message={} error=\"{}\"", clusterId, ex.toString());
        }
    }

    private int partitionOf(final long clusterId)
    {
        return ClusterMessageIds.partition(clusterId) % partitions;
    }

    void stop()
    {
        reader.shutdownNow();
    }

    /** The answers to one request: written by the follower thread, read by the asking admin thread. */
    private static final class Answers
    {
        private final List<MessageHistoryRoute.Copy> copies = new ArrayList<>();
        private AdminReply other;

        synchronized void copy(final MessageHistoryRoute.Copy copy)
        {
            copies.add(copy);
            notifyAll();
        }

        synchronized void other(final AdminReply reply)
        {
            if (other == null)
            {
                other = reply;
                notifyAll();
            }
        }

        /**
         * Waits for the first answer ({@link #WAIT_MS}), then {@link #COLLECT_MS} for more copies.
         *
         * @return the copies merged, else the first other answer, or null when nobody answered.
         */
        synchronized AdminReply collect(final long clusterId, final boolean text) throws InterruptedException
        {
            final long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            boolean first = false;
            for (long left; (left = deadline - System.nanoTime()) > 0; )
            {
                if (!first && (!copies.isEmpty() || other != null))
                {
                    first = true;
                    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COLLECT_MS);
                    continue;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (!copies.isEmpty())
            {
                copies.sort(Comparator.comparingLong(c -> c.history().accepted.acceptedAtMs));
                return MessageHistoryRoute.copies(clusterId, copies, text);
            }
            return other;
        }
    }
}
