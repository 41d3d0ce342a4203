package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterMessageIdsTest
{
    @Test
    void anIdNamesItsPartitionAndOffsetAndNeverLooksLikeAJournalIndex()
    {
        final long id = ClusterMessageIds.of(95, 123_456_789_012L);
        assertThat(ClusterMessageIds.isClusterId(id)).isTrue();
        assertThat(ClusterMessageIds.partition(id)).isEqualTo(95);
        assertThat(ClusterMessageIds.offset(id)).isEqualTo(123_456_789_012L);
        assertThat(ClusterMessageIds.of(0, 0)).isNotEqualTo(ClusterMessageIds.of(1, 0)).isPositive();
        // a node's journal index: roll cycle (days since epoch) << 32 | sequence
        assertThat(ClusterMessageIds.isClusterId(25_000L << 32 | 4_000_000L)).isFalse();
    }

    @Test
    void refusesWhatDoesNotFit()
    {
        assertThatThrownBy(() -> ClusterMessageIds.of(ClusterMessageIds.MAX_PARTITIONS, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterMessageIds.of(0, 1L << 44)).isInstanceOf(IllegalArgumentException.class);
    }
}
