package io.dispatch.cluster;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterTargetingRouteTest
{
    /** The fan-out's ownership check hashes in place: it must pick the partition Kafka's partitioner picks. */
    @Test
    void murmur2OverAPrefixIsKafkasOverThoseBytes()
    {
        final Random random = new Random(16);
        final byte[] buffer = new byte[400];
        for (int length = 0; length < 300; length++)
        {
            random.nextBytes(buffer);
            assertThat(ClusterTargetingRoute.murmur2(buffer, length)).as("length %d", length)
                .isEqualTo(Utils.murmur2(Arrays.copyOf(buffer, length)));
        }
    }
}
