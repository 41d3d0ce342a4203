package io.dispatch.cluster;

import io.dispatch.ingest.ResumedReceipts;
import io.dispatch.ingest.SessionHandler;
import io.dispatch.protocol.ErrorCode;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A node's resumed receipt subscriptions ({@link ReceiptStream}, one thread and one status topic reader each),
 * started by the {@link ClusterRouter} and stopped with the node.
 */
final class ClusterReceipts
{
    private final Supplier<KafkaConsumer<byte[], byte[]>> readers;
    private final Producer<byte[], byte[]> producer;
    private final String statusTopic;
    private final int partitions;
    private final Set<ReceiptStream> streams = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong started = new AtomicLong();
    private final Counters counters = new Counters();
    private volatile boolean stopped;

    /** What the node's resumed streams did, for /metrics (any thread). */
    static final class Counters
    {
        final AtomicLong receipts = new AtomicLong();
        final AtomicLong checkpoints = new AtomicLong();
        final AtomicLong checkpointFailures = new AtomicLong();
    }

    ClusterReceipts(final Supplier<KafkaConsumer<byte[], byte[]>> readers, final Producer<byte[], byte[]> producer,
        final String statusTopic, final int partitions)
    {
        this.readers = readers;
        this.producer = producer;
        this.statusTopic = statusTopic;
        this.partitions = partitions;
    }

    /** The session's event loop: answered through {@code answer} once the stream's thread checked the position. */
    void resume(final SessionHandler session, final long afterPosition, final ResumedReceipts answer)
    {
        if (stopped)
        {
            answer.refuse(ErrorCode.SHUTTING_DOWN, "the node is stopping; resume on another node");
            return;
        }
        final ReceiptStream stream = new ReceiptStream(readers, producer, statusTopic, partitions, session,
            new String(session.tenantName(), StandardCharsets.UTF_8), afterPosition, answer, counters);
        final Thread thread = new Thread(() ->
        {
            try
            {
                stream.run();
            }
            finally
            {
                streams.remove(stream);
                threads.remove(Thread.currentThread());
            }
        }, "cluster-receipts-" + started.incrementAndGet());
        thread.setDaemon(true);
        streams.add(stream);
        threads.add(thread);
        thread.start();
    }

    /** @return resumed subscriptions this node serves now. */
    int active()
    {
        return streams.size();
    }

    Counters counters()
    {
        return counters;
    }

    /** Ends every stream (their connections close with the engine) and waits for their threads, bounded. */
    void stop()
    {
        stopped = true;
        for (final ReceiptStream s : streams)
        {
            s.stop();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (final Thread t : threads)
        {
            try
            {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
