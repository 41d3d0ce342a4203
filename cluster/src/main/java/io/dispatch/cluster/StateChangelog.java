package io.dispatch.cluster;

import org.agrona.collections.Long2LongHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compacted state topic ({@code cluster.stateTopic}, default {@code <topic>-state}): partition <i>p</i> holds
 * what a new owner of partition <i>p</i> of the cluster topic needs before it consumes. Keys:
 * <ul>
 *   <li>{@code 'F'}: value i64, the highest offset any owner fed into its ring. Written, and acknowledged by the
 *       brokers, before the records are fed, so a record above it was never in a previous owner's hands.</li>
 *   <li>{@code 'B' i64 bucket}: value i64 done mask, i64 unsent mask, for offsets {@code bucket*64 ..+63}: done
 *       (the provider accepted it, or it ended) and unsent (deferred, or dropped by the fence). A tombstone once the
 *       partition's commit passed the bucket, so the topic holds only what lies above the commits.</li>
 *   <li>{@code 'A' i64 offset}: a record accepted with an idempotency key, or with a send that counts against a
 *       frequency cap: value i64 accepted at (ms), i8 flags ({@link AcceptedEntries}), i8 kind, i8 channel, then the
 *       tenant name, the key and the recipient address, each u8 length + bytes. A new owner loads it into its dedup
 *       index and caps when the record will not be fed again (below the commit, or marked done). A tombstone once it
 *       is older than the dedup horizon and the longest cap window. With the content flag the value ends with the
 *       SUBMIT body after the address (u16 length + bytes), for the content-dedup key (a tombstone also once older
 *       than the content window).</li>
 *   <li>{@code 'S' i64 offset i8 channel}: a send decided for that record after its acceptance (a deferred message
 *       released, a fallback) on that channel, counting against a cap: the {@code 'A'} value's layout with no key.
 *       Loaded like {@code 'A'}; a tombstone once older than the longest cap window.</li>
 * </ul>
 * Written by the feeder thread only (one producer, so the brokers keep its order per partition).
 */
final class StateChangelog
{
    private static final Logger LOG = LoggerFactory.getLogger(StateChangelog.class);
    private static final byte[] FED_KEY = {'F'};

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final String topic;
    private final AtomicLong failures = new AtomicLong();

    StateChangelog(final KafkaProducer<byte[], byte[]> producer, final KafkaConsumer<byte[], byte[]> reader,
        final String topic)
    {
        this.producer = producer;
        this.reader = reader;
        this.topic = topic;
    }

    /** What a partition's changelog says. */
    static final class Restored
    {
        long fedThrough = -1;
        /** bucket -> done mask, bucket -> unsent mask (0 when absent). */
        final Long2LongHashMap done = new Long2LongHashMap(0);
        final Long2LongHashMap unsent = new Long2LongHashMap(0);
        /** offset -> the value of its {@code 'A'} entry. */
        final org.agrona.collections.Long2ObjectHashMap<byte[]> accepted = new org.agrona.collections.Long2ObjectHashMap<>();
        /** offset << 8 | channel -> the value of its {@code 'S'} entry. */
        final org.agrona.collections.Long2ObjectHashMap<byte[]> laterSends =
            new org.agrona.collections.Long2ObjectHashMap<>();
        long records;
        long millis;

        static Restored none()
        {
            return new Restored();
        }
    }

    void fedThrough(final int partition, final long offset)
    {
        send(new ProducerRecord<>(topic, partition, FED_KEY, ByteBuffer.allocate(8).putLong(offset).array()));
    }

    void bucket(final int partition, final long bucket, final long doneMask, final long unsentMask)
    {
        send(new ProducerRecord<>(topic, partition, bucketKey(bucket),
            ByteBuffer.allocate(16).putLong(doneMask).putLong(unsentMask).array()));
    }

    void tombstone(final int partition, final long bucket)
    {
        send(new ProducerRecord<>(topic, partition, bucketKey(bucket), null));
    }

    void accepted(final int partition, final long offset, final byte[] value)
    {
        send(new ProducerRecord<>(topic, partition, acceptedKey(offset), value));
    }

    void acceptedTombstone(final int partition, final long offset)
    {
        send(new ProducerRecord<>(topic, partition, acceptedKey(offset), null));
    }

    void laterSend(final int partition, final long offset, final byte channel, final byte[] value)
    {
        send(new ProducerRecord<>(topic, partition, laterSendKey(offset, channel), value));
    }

    void laterSendTombstone(final int partition, final long offset, final byte channel)
    {
        send(new ProducerRecord<>(topic, partition, laterSendKey(offset, channel), null));
    }

    /** Blocks until everything written so far is acknowledged (or failed, which is logged and counted). */
    void flush()
    {
        producer.flush();
    }

    long failures()
    {
        return failures.get();
    }

    /** The reader only: the producer is the node's to close. */
    void close()
    {
        reader.close(Duration.ofSeconds(5));
    }

    private void send(final ProducerRecord<byte[], byte[]> r)
    {
        producer.send(r, (metadata, ex) ->
        {
            if (ex != null && failures.getAndIncrement() % 1000 == 0)
            {
                LOG.warn("event=cluster_state_write_failed partition={} error=\"{}\" effect=\"a takeover may send" +
                    " again what this mark said was done (counted on dispatch_cluster_takeover_redelivered_total)\"" +
                    " (logged once per 1000)", r.partition(), ex.toString());
            }
        });
    }

    /** Reads the partition from its start to its end offset at the time of the call. */
    Restored restore(final int partition)
    {
        final long start = System.nanoTime();
        final TopicPartition tp = new TopicPartition(topic, partition);
        final Restored r = new Restored();
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        final long end = reader.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (reader.position(tp, Duration.ofSeconds(30)) < end)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("restoring " + tp + " took more than 4 minutes (at " +
                    reader.position(tp) + " of " + end + ")");
            }
            for (final ConsumerRecord<byte[], byte[]> c : reader.poll(Duration.ofMillis(200)))
            {
                apply(r, c.key(), c.value());
            }
        }
        reader.unsubscribe();
        r.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return r;
    }

    private static void apply(final Restored r, final byte[] key, final byte[] value)
    {
        r.records++;
        if (key == null || key.length == 0)
        {
            return;
        }
        if (key[0] == 'F' && value != null && value.length == 8)
        {
            r.fedThrough = Math.max(r.fedThrough, ByteBuffer.wrap(value).getLong());
        }
        else if (key[0] == 'A' && key.length == 9)
        {
            final long offset = ByteBuffer.wrap(key, 1, 8).getLong();
            if (value == null)
            {
                r.accepted.remove(offset);
            }
            else
            {
                r.accepted.put(offset, value);
            }
        }
        else if (key[0] == 'S' && key.length == 10)
        {
            final long id = ByteBuffer.wrap(key, 1, 8).getLong() << 8 | (key[9] & 0xFF);
            if (value == null)
            {
                r.laterSends.remove(id);
            }
            else
            {
                r.laterSends.put(id, value);
            }
        }
        else if (key[0] == 'B' && key.length == 9)
        {
            final long bucket = ByteBuffer.wrap(key, 1, 8).getLong();
            if (value == null || value.length != 16)
            {
                r.done.remove(bucket);
                r.unsent.remove(bucket);
            }
            else
            {
                final ByteBuffer b = ByteBuffer.wrap(value);
                put(r.done, bucket, b.getLong());
                put(r.unsent, bucket, b.getLong());
            }
        }
    }

    private static void put(final Long2LongHashMap map, final long bucket, final long mask)
    {
        if (mask == 0)
        {
            map.remove(bucket);
        }
        else
        {
            map.put(bucket, mask);
        }
    }

    private static byte[] acceptedKey(final long offset)
    {
        return ByteBuffer.allocate(9).put((byte)'A').putLong(offset).array();
    }

    private static byte[] laterSendKey(final long offset, final byte channel)
    {
        return ByteBuffer.allocate(10).put((byte)'S').putLong(offset).put(channel).array();
    }

    private static byte[] bucketKey(final long bucket)
    {
        return ByteBuffer.allocate(9).put((byte)'B').putLong(bucket).array();
    }

    static Map<String, String> topicConfig()
    {
        // compacted; small segments so the cleaner can compact soon after the commits pass the marks
        return Map.of("cleanup.policy", "compact", "segment.ms", "600000", "min.cleanable.dirty.ratio", "0.1",
            "delete.retention.ms", "600000");
    }
}
