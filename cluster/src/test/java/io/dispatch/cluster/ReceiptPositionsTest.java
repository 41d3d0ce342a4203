package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReceiptPositionsTest
{
    @Test
    void aPositionReadsBackItsCheckpointAndOrdinal()
    {
        for (final long checkpoint : new long[]{0, 1, 12_345_678, ReceiptPositions.MAX_CHECKPOINT})
        {
            for (final int ordinal : new int[]{0, 1, 1999, ReceiptPositions.MAX_ORDINAL})
            {
                final long position = ReceiptPositions.of(checkpoint, ordinal);
                assertThat(position).as("never negative, never 0").isPositive();
                assertThat(ReceiptPositions.checkpoint(position)).isEqualTo(checkpoint);
                assertThat(ReceiptPositions.ordinal(position)).isEqualTo(ordinal);
                assertThat(ReceiptPositions.problem(position)).isNull();
            }
        }
    }

    @Test
    void positionsGrowWithTheCheckpointThenTheOrdinal()
    {
        // the client keeps the highest position it saw: a later checkpoint must win over any ordinal of an earlier one
        assertThat(ReceiptPositions.of(7, 0)).isGreaterThan(ReceiptPositions.of(6, ReceiptPositions.MAX_ORDINAL));
        assertThat(ReceiptPositions.of(7, 3)).isGreaterThan(ReceiptPositions.of(7, 2));
    }

    @Test
    void aSingleNodeJournalPositionOrANegativeOneIsNotACheckpointPosition()
    {
        assertThat(ReceiptPositions.problem(0)).as("0: everything the status topic holds").isNull();
        assertThat(ReceiptPositions.problem(1_234L * 64 + 3)).contains("resumeAfter").contains("not a receipt position");
        assertThat(ReceiptPositions.problem(-5)).contains("not a receipt position");
        assertThat(ReceiptPositions.problem(Long.MIN_VALUE | ReceiptPositions.CLUSTER_BIT)).isNotNull();
    }

    @Test
    void valuesOutsideTheSpaceAreRefused()
    {
        assertThatThrownBy(() -> ReceiptPositions.of(ReceiptPositions.MAX_CHECKPOINT + 1, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReceiptPositions.of(0, ReceiptPositions.MAX_ORDINAL + 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReceiptPositions.of(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCheckpointReadsBackItsSegment()
    {
        final long[] start = {0, 10, 7};
        final long[] end = {4, 10, 9};
        final byte[] value = ReceiptCheckpoints.value(start, end);
        assertThat(ReceiptCheckpoints.isCheckpoint(value)).isTrue();
        final long[] s = new long[3];
        final long[] e = new long[3];
        assertThat(ReceiptCheckpoints.read(value, s, e)).isNull();
        assertThat(s).containsExactly(start);
        assertThat(e).containsExactly(end);
        assertThat(ReceiptCheckpoints.records(s, e)).isEqualTo(6);
    }

    @Test
    void aCheckpointOfAnotherPartitionCountOrAnotherRecordIsRefusedWithTheReason()
    {
        final byte[] three = ReceiptCheckpoints.value(new long[]{0, 0, 0}, new long[]{1, 1, 1});
        assertThat(ReceiptCheckpoints.read(three, new long[4], new long[4])).contains("3 partitions")
            .contains("has 4 now");
        final byte[] state = StatusRecords.value(StatusRecords.STATE, 1, 0, (byte)3, (byte)1, (short)0, 1, (byte)1,
            (byte)0, new byte[0]);
        assertThat(ReceiptCheckpoints.isCheckpoint(state)).isFalse();
        assertThat(ReceiptCheckpoints.read(state, new long[3], new long[3])).contains("no checkpoint");
        final byte[] backwards = ReceiptCheckpoints.value(new long[]{5}, new long[]{4});
        assertThat(ReceiptCheckpoints.read(backwards, new long[1], new long[1])).contains("damaged");
    }
}
