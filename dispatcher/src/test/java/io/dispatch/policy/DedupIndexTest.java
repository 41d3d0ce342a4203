package io.dispatch.policy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DedupIndexTest
{
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldFindKeyUntilTheHorizonEnds()
    {
        final DedupIndex index = new DedupIndex(24 * HOUR);
        index.record(11L, 1000L, 0L);
        assertThat(index.find(11L, 24 * HOUR - 1)).isEqualTo(1000L);
        assertThat(index.find(11L, 24 * HOUR)).isEqualTo(-1L);
        assertThat(index.size()).isZero();
    }

    @Test
    void shouldExpireInInsertionOrderAndKeepNewerKeys()
    {
        final DedupIndex index = new DedupIndex(HOUR);
        index.record(1L, 10L, 0L);
        index.record(2L, 20L, HOUR / 2);
        assertThat(index.find(2L, HOUR)).isEqualTo(20L);
        assertThat(index.find(1L, HOUR)).isEqualTo(-1L);
        assertThat(index.find(2L, HOUR + HOUR / 2)).isEqualTo(-1L);
    }

    @Test
    void shouldAcceptAKeyAgainAfterItExpired()
    {
        final DedupIndex index = new DedupIndex(HOUR);
        index.record(5L, 50L, 0L);
        assertThat(index.find(5L, HOUR)).isEqualTo(-1L);
        index.record(5L, 51L, HOUR);
        assertThat(index.find(5L, HOUR + 1)).isEqualTo(51L);
        assertThat(index.find(5L, 2 * HOUR)).isEqualTo(-1L);
    }

    @Test
    void shouldGrowBeyondItsInitialCapacityWithoutLosingOrder()
    {
        final DedupIndex index = new DedupIndex(HOUR);
        for (int i = 1; i <= 100_000; i++)
        {
            index.record(i, i * 10L, i);
        }
        assertThat(index.size()).isEqualTo(100_000);
        assertThat(index.find(99_999L, HOUR + 50_000)).isEqualTo(999_990L);
        assertThat(index.find(49_999L, HOUR + 50_000)).isEqualTo(-1L);
        assertThat(index.size()).isEqualTo(50_000);
    }

    @Test
    void shouldForgetAKeyOnlyWhileItMapsToTheDroppedCopy()
    {
        final DedupIndex index = new DedupIndex(HOUR);
        index.record(7L, 70L, 0L);
        index.forget(7L, 71L);
        assertThat(index.find(7L, 1L)).as("another copy's drop leaves it").isEqualTo(70L);
        index.forget(7L, 70L);
        assertThat(index.find(7L, 1L)).isEqualTo(-1L);
        assertThat(index.size()).isZero();
    }

    @Test
    void shouldKeepAKeyRecordedAgainAfterAForgetForItsOwnHorizon()
    {
        final DedupIndex index = new DedupIndex(HOUR);
        index.record(7L, 70L, 0L);
        index.forget(7L, 70L);
        index.record(7L, 72L, HOUR / 2);
        // the first copy's expiry must not take the second copy's key with it
        assertThat(index.find(7L, HOUR)).isEqualTo(72L);
        assertThat(index.find(7L, HOUR + HOUR / 2)).isEqualTo(-1L);
    }

    @Test
    void shouldLeaveForgottenKeysOutOfASnapshot() throws java.io.IOException
    {
        final DedupIndex index = new DedupIndex(HOUR);
        index.record(1L, 10L, 0L);
        index.record(2L, 20L, 1L);
        index.forget(1L, 10L);
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        index.writeSnapshot(new java.io.DataOutputStream(bytes), 2L);
        final DedupIndex copy = new DedupIndex(HOUR);
        copy.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.find(1L, 2L)).isEqualTo(-1L);
        assertThat(copy.find(2L, 2L)).isEqualTo(20L);
        assertThat(copy.size()).isEqualTo(1);
    }

    @Test
    void shouldRecordNothingWithZeroHorizon()
    {
        final DedupIndex index = new DedupIndex(0);
        index.record(1L, 1L, 0L);
        assertThat(index.find(1L, 0L)).isEqualTo(-1L);
    }

    @Test
    void shouldScopeHashesByTenant()
    {
        final byte[] key = "order-1".getBytes(StandardCharsets.UTF_8);
        final long a = DedupIndex.hash(1, key, 0, key.length);
        final long b = DedupIndex.hash(2, key, 0, key.length);
        assertThat(a).isNotEqualTo(b).isNotZero();
        assertThat(DedupIndex.hash(1, key, 0, key.length)).isEqualTo(a);
    }
}
