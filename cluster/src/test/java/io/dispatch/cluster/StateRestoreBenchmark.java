package io.dispatch.cluster;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a new owner takes to restore one partition's state from the changelog, per million keys: fills partition
 * 0 of a state topic on a local broker with N distinct bucket marks, then restores it as an assignment does
 * ({@link StateChangelog#restore}), three times. And the same for N {@code 'A'} entries (an idempotency key and a
 * cap-counted send each), read and then loaded into a running engine's dedup index and caps
 * ({@link io.dispatch.OwnerState}). Opt-in (minutes of broker work):
 * {@code mvn -pl cluster -am test -Dtest=StateRestoreBenchmark -Dcluster.restoreKeys=1000000
 * -Dsurefire.failIfNoSpecifiedTests=false}. Figures: docs/PERFORMANCE.md.
 */
@EnabledIfSystemProperty(named = "cluster.restoreKeys", matches = "\\d+")
class StateRestoreBenchmark
{
    @TempDir
    Path dir;

    @Test
    void restoresOnePartitionsChangelog() throws Exception
    {
        final int keys = Integer.parseInt(System.getProperty("cluster.restoreKeys"));
        try (LocalBroker broker = LocalBroker.start(dir.resolve("kafka"), 0))
        {
            broker.createClusterTopics("bench", 1);
            final java.util.Properties s = new java.util.Properties();
            s.setProperty(ClusterSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            final ClusterSettings cluster = ClusterSettings.from(new io.dispatch.config.Settings(withTopic(s)));
            final Properties producerProps = ClusterNode.producerProperties(cluster);
            producerProps.setProperty("linger.ms", "5");
            producerProps.setProperty("batch.size", String.valueOf(256 << 10));
            producerProps.setProperty("max.block.ms", "60000");
            try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()))
            {
                final StateChangelog writer = new StateChangelog(producer, null, cluster.stateTopic());
                final long fillStart = System.nanoTime();
                for (long b = 0; b < keys; b++)
                {
                    writer.bucket(0, b, 1L << (b & 63), 0);
                }
                writer.fedThrough(0, (long)keys << PartitionProgress.BUCKET_SHIFT);
                writer.flush();
                assertThat(writer.failures()).isZero();
                System.out.println("restore bench: wrote " + keys + " keys in " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStart) + " ms");
            }
            for (int run = 1; run <= 3; run++)
            {
                try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(ClusterNode.restoreProperties(cluster),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                {
                    final StateChangelog.Restored r = new StateChangelog(null, reader, cluster.stateTopic()).restore(0);
                    assertThat(r.done.size()).isEqualTo(keys);
                    assertThat(r.fedThrough).isEqualTo((long)keys << PartitionProgress.BUCKET_SHIFT);
                    System.out.println("restore bench: run " + run + " restored " + r.records + " records (" +
                        r.done.size() + " keys) in " + r.millis + " ms = " +
                        String.format("%.2f", r.millis / 1000.0 / (keys / 1e6)) + " s per million keys");
                }
            }
        }
    }

    /**
     * N {@code 'A'} entries as the feeder writes them (tenant "demo", a 16-byte key, a 13-byte address, keyed and
     * counted), read three times; then each read's entries are loaded into an engine's {@code OwnerState} as
     * {@code PartitionFeeder.loadInto} does (tenant name looked up, key and address hashed with this node's tenant id,
     * key recorded, send counted). The load runs on this thread with the engine idle, in place of its journal thread.
     */
    @Test
    void restoresOnePartitionsAcceptedEntries() throws Exception
    {
        final int keys = Integer.parseInt(System.getProperty("cluster.restoreKeys"));
        try (LocalBroker broker = LocalBroker.start(dir.resolve("kafka"), 0))
        {
            broker.createClusterTopics("bench", 1);
            final java.util.Properties s = new java.util.Properties();
            s.setProperty(ClusterSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            final ClusterSettings cluster = ClusterSettings.from(new io.dispatch.config.Settings(withTopic(s)));
            final Properties producerProps = ClusterNode.producerProperties(cluster);
            producerProps.setProperty("linger.ms", "5");
            producerProps.setProperty("batch.size", String.valueOf(256 << 10));
            producerProps.setProperty("max.block.ms", "60000");
            final long atMs = System.currentTimeMillis();
            long entryBytes = 0;
            try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()))
            {
                final StateChangelog writer = new StateChangelog(producer, null, cluster.stateTopic());
                final long fillStart = System.nanoTime();
                for (long offset = 0; offset < keys; offset++)
                {
                    final byte[] value = acceptedValue(atMs, offset);
                    entryBytes += value.length;
                    writer.accepted(0, offset, value);
                }
                writer.flush();
                assertThat(writer.failures()).isZero();
                System.out.println("restore bench: wrote " + keys + " 'A' entries (" + entryBytes / keys +
                    " B values) in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStart) + " ms");
            }
            final io.dispatch.config.Settings engineSettings =
                io.dispatch.testing.EngineFixture.settings(dir.resolve("engine"));
            engineSettings.set("tenant.demo.cap.informational", "2/1d");
            try (io.dispatch.Dispatcher engine = io.dispatch.testing.EngineFixture.launch(engineSettings))
            {
                final io.dispatch.OwnerState owner = engine.ownerState();
                final int tenantId = 1;
                for (int run = 1; run <= 3; run++)
                {
                    final StateChangelog.Restored r;
                    try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(
                        ClusterNode.restoreProperties(cluster), new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                    {
                        r = new StateChangelog(null, reader, cluster.stateTopic()).restore(0);
                    }
                    assertThat(r.accepted.size()).isEqualTo(keys);
                    final long loadStart = System.nanoTime();
                    r.accepted.forEach((offset, v) ->
                    {
                        final int nameLength = v[11] & 0xFF;
                        final int id = new String(v, 12, nameLength, java.nio.charset.StandardCharsets.UTF_8)
                            .equals("demo") ? tenantId : -1;
                        final int keyAt = 12 + nameLength;
                        final int keyLength = v[keyAt] & 0xFF;
                        owner.restoreKey(id, v, keyAt + 1, keyLength, ClusterMessageIds.of(0, offset), atMs);
                        owner.restoreSend(id, v[9], v[10], v, keyAt + 1 + keyLength, atMs);
                    });
                    final long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
                    System.out.println("restore bench: 'A' run " + run + " read " + r.records + " records in " +
                        r.millis + " ms, loaded " + r.accepted.size() + " keys and sends in " + loadMs + " ms = " +
                        String.format("%.2f", (r.millis + loadMs) / 1000.0 / (keys / 1e6)) + " s per million entries");
                }
            }
        }
    }

    /** An {@code 'A'} value as {@code PartitionFeeder.onEntry} writes it. */
    private static byte[] acceptedValue(final long atMs, final long offset)
    {
        final byte[] tenant = "demo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] key = String.format("order-%010d", offset).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] to = String.format("+8210%08d", offset).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.nio.ByteBuffer.allocate(8 + 3 + 1 + tenant.length + 1 + key.length + 1 + to.length)
            .putLong(atMs).put((byte)(AcceptedEntries.KEYED | AcceptedEntries.COUNTS_FOR_CAPS))
            .put(io.dispatch.protocol.MessageKind.INFORMATIONAL.code()).put(io.dispatch.protocol.ChannelType.SMS.code())
            .put((byte)tenant.length).put(tenant).put((byte)key.length).put(key).put((byte)to.length).put(to).array();
    }

    private static Properties withTopic(final Properties p)
    {
        p.setProperty(ClusterSettings.TOPIC, "bench");
        return p;
    }
}
