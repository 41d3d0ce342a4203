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
 * ({@link StateChangelog#restore}), three times. Opt-in (minutes of broker work):
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

    private static Properties withTopic(final Properties p)
    {
        p.setProperty(ClusterSettings.TOPIC, "bench");
        return p;
    }
}
