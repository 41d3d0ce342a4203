package io.dispatch.cluster;

import io.dispatch.ingest.ResumedReceipts;
import io.dispatch.ingest.SessionHandler;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.stream.StreamSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One resumed receipt subscription in cluster mode, on a thread of its own with its own reader of every status topic
 * partition, for the subscription's whole life (as on one node, docs/design/inbound-and-resume.md: it never switches
 * to the node's live fan-out). It reads the segment the position names again and goes on after the receipt, then
 * reads on from that segment's end. Before it hands out any receipt of a new segment it writes the segment as a
 * checkpoint ({@link ReceiptCheckpoints}) and waits for the brokers to take it, so every position it sends can be
 * resumed from on any node, also after this one dies.
 * <p>
 * Delivers the state changes of cluster ids of the subscriber's tenant (not a node's own campaign messages, whose
 * local ids mean something on their node only). A full receipt buffer stops the stream until the client reads:
 * nothing is dropped.
 */
final class ReceiptStream implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptStream.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration ADMIN_WAIT = Duration.ofSeconds(30);
    private static final long READ_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long CHECKPOINT_WAIT_MS = 10_000;
    private static final long RETRY_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long FULL_NAP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Supplier<KafkaConsumer<byte[], byte[]>> reader;
    /** Made on the stream's thread (not the event loop that asked for it). */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final SessionHandler session;
    private final StreamSink sink;
    private final String tenant;
    private final long after;
    private final ResumedReceipts answer;
    private final ClusterReceipts.Counters counters;
    private final StatusRecords.Decoded decoded = new StatusRecords.Decoded();
    private final List<TopicPartition> all = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final long[] start;
    private final long[] end;
    /** Whether the client got its OK: a failure from then on ends the connection, so the client resumes elsewhere. */
    private boolean streaming;

    ReceiptStream(final Supplier<KafkaConsumer<byte[], byte[]>> reader, final Producer<byte[], byte[]> producer,
        final String topic, final int partitions, final SessionHandler session, final String tenant, final long after,
        final ResumedReceipts answer, final ClusterReceipts.Counters counters)
    {
        this.counters = counters;
        this.reader = reader;
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.session = session;
        this.sink = session.receiptSink();
        this.tenant = tenant;
        this.after = after;
        this.answer = answer;
        this.start = new long[partitions];
        this.end = new long[partitions];
        for (int p = 0; p < partitions; p++)
        {
            all.add(new TopicPartition(topic, p));
        }
    }

    void stop()
    {
        running.set(false);
        final KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null)
        {
            c.wakeup();
        }
    }

    @Override
    public void run()
    {
        try
        {
            consumer = reader.get();
            if (!running.get())
            {
                return;
            }
            final String refused = place();
            if (refused != null)
            {
                session.eventLoop().execute(() -> answer.refuse(ErrorCode.INVALID_FIELD, refused));
                return;
            }
            if (!opened())
            {
                return;
            }
            streaming = true;
            if (after != 0 && !replay(ReceiptPositions.checkpoint(after), ReceiptPositions.ordinal(after) + 1))
            {
                return;
            }
            follow();
        }
        catch (final WakeupException ex)
        {
            // stop()
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            // the brokers (a KafkaException), or a fault of this stream: never a silent end for the subscriber
            LOG.warn("event=cluster_receipt_stream_failed tenant={} error=\"{}\" effect=\"{}\"", tenant, ex.toString(),
                streaming ? "GOODBYE to the subscriber, which resumes after the last receipt it got" : "NACK");
            if (streaming)
            {
                session.leave(ErrorCode.BACKPRESSURE.code(), 1_000);
            }
            else
            {
                session.eventLoop().execute(() -> answer.refuse(ErrorCode.BACKPRESSURE,
                    "the status topic could not be read: " + ex.getMessage() + "; retry"));
            }
        }
        finally
        {
            final KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null)
            {
                c.close(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * Sets {@link #start} and {@link #end}: the segment the position names (replayed from its ordinal on), or for
     * position 0 the start of every partition.
     *
     * @return null when the position can be honoured, else the refusal.
     */
    private String place()
    {
        final String malformed = ReceiptPositions.problem(after);
        if (malformed != null)
        {
            return malformed;
        }
        final Map<TopicPartition, Long> first = consumer.beginningOffsets(all, ADMIN_WAIT);
        if (after == 0)
        {
            for (int p = 0; p < partitions; p++)
            {
                start[p] = first.get(all.get(p));
                end[p] = start[p];
            }
            return null;
        }
        final long checkpoint = ReceiptPositions.checkpoint(after);
        final TopicPartition home = all.get(ReceiptCheckpoints.PARTITION);
        if (checkpoint < first.get(home))
        {
            return retention();
        }
        if (checkpoint >= consumer.endOffsets(List.of(home), ADMIN_WAIT).get(home))
        {
            return "resumeAfter: no receipt position " + after + " in this cluster (beyond the status topic's end)";
        }
        consumer.assign(List.of(home));
        consumer.seek(home, checkpoint);
        final byte[] value = readOne(home, checkpoint);
        if (value == null)
        {
            return retention();
        }
        final String broken = ReceiptCheckpoints.read(value, start, end);
        if (broken != null)
        {
            return broken;
        }
        if (ReceiptPositions.ordinal(after) >= ReceiptCheckpoints.records(start, end))
        {
            return "resumeAfter: no receipt position " + after + " in this cluster (ordinal beyond its segment)";
        }
        for (int p = 0; p < partitions; p++)
        {
            if (first.get(all.get(p)) > start[p])
            {
                return retention();
            }
        }
        return null;
    }

    private String retention()
    {
        return "resumeAfter: position " + after + " is older than the status topic's retention (what came after it" +
            " is deleted); resume from 0 for every receipt it still holds";
    }

    /** @return the value of the record at {@code offset}, null when it is gone. */
    private byte[] readOne(final TopicPartition tp, final long offset)
    {
        final long deadline = System.nanoTime() + READ_WAIT_NS;
        while (running.get() && System.nanoTime() - deadline < 0)
        {
            for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp))
            {
                return r.offset() == offset ? r.value() : null;
            }
        }
        throw new KafkaException("the status topic's partition " + tp.partition() + " answered no record at offset " +
            offset + " within 30 s");
    }

    /** Opens the subscription on the session's event loop and waits for it. @return whether to stream. */
    private boolean opened() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(1);
        final boolean[] open = new boolean[1];
        session.eventLoop().execute(() ->
        {
            open[0] = answer.open();
            done.countDown();
        });
        while (!done.await(100, TimeUnit.MILLISECONDS))
        {
            if (!running.get() || !sink.isOpen())
            {
                return false;
            }
        }
        return open[0];
    }

    /**
     * Reads the checkpoint's segment again, partition by partition in its fixed order, and delivers from ordinal
     * {@code from} on, under the checkpoint's positions.
     *
     * @return false when the stream ended meanwhile.
     */
    private boolean replay(final long checkpoint, final int from)
    {
        int ordinal = 0;
        for (int p = 0; p < partitions; p++)
        {
            if (start[p] == end[p])
            {
                continue;
            }
            final TopicPartition tp = all.get(p);
            consumer.assign(List.of(tp));
            consumer.seek(tp, start[p]);
            final long deadline = System.nanoTime() + READ_WAIT_NS;
            long next = start[p];
            while (next < end[p])
            {
                if (!running.get() || !sink.isOpen())
                {
                    return false;
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new KafkaException("the status topic's partition " + p + " did not return offsets " + next +
                        ".." + (end[p] - 1) + " within 30 s");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp))
                {
                    if (r.offset() >= end[p])
                    {
                        break;
                    }
                    if (ordinal >= from && !deliver(r.value(), ReceiptPositions.of(checkpoint, ordinal)))
                    {
                        return false;
                    }
                    ordinal++;
                    next = r.offset() + 1;
                }
            }
        }
        sink.scheduleDrain();
        return true;
    }

    /** Reads on from the segment's end: each poll a segment, checkpointed before any of its receipts goes out. */
    private void follow()
    {
        consumer.assign(all);
        for (int p = 0; p < partitions; p++)
        {
            consumer.seek(all.get(p), end[p]);
        }
        final long[] next = end.clone();
        final long[] past = new long[partitions];
        final List<ConsumerRecord<byte[], byte[]>> segment = new ArrayList<>();
        while (running.get() && sink.isOpen())
        {
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (records.isEmpty())
            {
                continue;
            }
            System.arraycopy(next, 0, past, 0, partitions);
            segment.clear();
            boolean any = false;
            for (int p = 0; p < partitions; p++)
            {
                for (final ConsumerRecord<byte[], byte[]> r : records.records(all.get(p)))
                {
                    segment.add(r);
                    past[p] = r.offset() + 1;
                    any |= receipt(r.value());
                }
            }
            if (any)
            {
                final long checkpoint = checkpoint(next, past);
                if (checkpoint < 0)
                {
                    return;
                }
                for (int i = 0, n = segment.size(); i < n; i++)
                {
                    if (!deliver(segment.get(i).value(), ReceiptPositions.of(checkpoint, i)))
                    {
                        return;
                    }
                }
                sink.scheduleDrain();
            }
            System.arraycopy(past, 0, next, 0, partitions);
        }
    }

    /** @return the checkpoint's offset once the brokers took it, -1 when the stream ended first. */
    private long checkpoint(final long[] from, final long[] to)
    {
        final byte[] value = ReceiptCheckpoints.value(from, to);
        long failures = 0;
        while (running.get() && sink.isOpen())
        {
            try
            {
                final long offset = producer.send(new ProducerRecord<>(topic, ReceiptCheckpoints.PARTITION, null,
                    value)).get(CHECKPOINT_WAIT_MS, TimeUnit.MILLISECONDS).offset();
                counters.checkpoints.incrementAndGet();
                return offset;
            }
            catch (final ExecutionException | TimeoutException | KafkaException ex)
            {
                counters.checkpointFailures.incrementAndGet();
                if (failures++ % 50 == 0)
                {
                    LOG.warn("event=cluster_receipt_checkpoint_failed tenant={} failures={} error=\"{}\" effect=" +
                        "\"receipts wait until the status topic takes the checkpoint\"", tenant, failures,
                        ex.toString());
                }
                LockSupport.parkNanos(RETRY_NS); // the brokers have no event to await from here
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** @return whether the record is a receipt for this stream (a state change of a cluster id of the tenant). */
    private boolean receipt(final byte[] value)
    {
        return value != null && value.length > 0 && value[0] == StatusRecords.STATE && decoded.wrap(value) == null &&
            decoded.origin == 0 && decoded.state != DeliveryState.ACCEPTED.code() && tenant.equals(decoded.tenant);
    }

    /** Offers the record's receipt, if it is one, waiting while the buffer is full. @return false when it ended. */
    private boolean deliver(final byte[] value, final long position)
    {
        if (!receipt(value))
        {
            return true;
        }
        while (!sink.offerStreamedReceipt(decoded.id, decoded.state, decoded.attempts, decoded.reason, decoded.atMs,
            decoded.channel, position))
        {
            if (!running.get() || !sink.isOpen())
            {
                return false;
            }
            sink.scheduleDrain();
            LockSupport.parkNanos(FULL_NAP_NS); // the client reads at its pace; the connection gives no event here
        }
        counters.receipts.incrementAndGet();
        return true;
    }
}
