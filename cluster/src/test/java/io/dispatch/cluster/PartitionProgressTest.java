package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest
{
    private final List<long[]> buckets = new ArrayList<>();
    private final List<Long> tombstones = new ArrayList<>();

    @Test
    void commitsUpToTheFirstRecordNotDoneAndMarksOnlyWhatFinishedAboveIt()
    {
        final PartitionProgress p = new PartitionProgress(3, 1, StateChangelog.Restored.none());
        p.append(100, PartitionProgress.ACTIVE, 1);
        p.append(101, PartitionProgress.ACTIVE, 2);
        p.append(102, PartitionProgress.ACTIVE, 3);
        assertThat(p.commitOffset()).isEqualTo(100);
        assertThat(p.active()).isEqualTo(3);

        p.mark(102, PartitionProgress.DONE); // out of order: the commit stays, a mark says 102 is done
        p.mark(101, PartitionProgress.PARKED);
        assertThat(p.commitOffset()).isEqualTo(100);
        assertThat(p.active()).isEqualTo(1);
        p.writeDirty(this::bucket);
        assertThat(buckets).hasSize(1);
        assertThat(buckets.get(0)).containsExactly(3, 100 >>> 6, PartitionProgress.bit(102), PartitionProgress.bit(101));

        p.mark(100, PartitionProgress.DONE);
        assertThat(p.commitOffset()).as("the parked record holds the commit").isEqualTo(101);
        p.mark(101, PartitionProgress.ACTIVE); // released from its deferral
        p.mark(101, PartitionProgress.DONE);
        assertThat(p.commitOffset()).isEqualTo(103);
        assertThat(p.active()).isZero();
    }

    @Test
    void tombstonesBucketsOnceTheCommitPassedThem()
    {
        final PartitionProgress p = new PartitionProgress(0, 1, StateChangelog.Restored.none());
        for (long o = 0; o < 200; o++)
        {
            p.append(o, PartitionProgress.ACTIVE, o);
        }
        for (long o = 199; o >= 0; o--)
        {
            p.mark(o, PartitionProgress.DONE);
            if (o == 130)
            {
                p.writeDirty(this::bucket); // buckets 2 and 3 had marks written while 0..129 were not done
            }
        }
        assertThat(buckets).extracting(b -> b[1]).containsExactlyInAnyOrder(2L, 3L);
        p.committed(p.commitOffset());
        assertThat(p.commitOffset()).isEqualTo(200);
        p.tombstoneCommitted((partition, bucket) -> tombstones.add(bucket));
        assertThat(tombstones).as("bucket 3 (192..255) still holds offsets above the commit").containsExactly(2L);
        tombstones.clear();
        p.append(256, PartitionProgress.DONE, -1);
        p.committed(p.commitOffset());
        p.tombstoneCommitted((partition, bucket) -> tombstones.add(bucket));
        assertThat(tombstones).as("once each").containsExactly(3L);
    }

    @Test
    void aTakeoverSkipsWhatTheChangelogMarksDoneAndCountsOnlyWhatTheOldOwnerMayHaveSent()
    {
        final StateChangelog.Restored r = new StateChangelog.Restored();
        r.fedThrough = 70;
        r.done.put(1, PartitionProgress.bit(65) | PartitionProgress.bit(66));
        r.unsent.put(1, PartitionProgress.bit(67));
        final PartitionProgress p = new PartitionProgress(0, 2, r);

        assertThat(p.restoredDone(65)).isTrue();
        assertThat(p.restoredDone(64)).isFalse();
        assertThat(p.mayRepeat(64)).as("fed by the old owner, no mark").isTrue();
        assertThat(p.mayRepeat(65)).as("done: skipped, not sent").isFalse();
        assertThat(p.mayRepeat(67)).as("the old owner deferred or dropped it: not sent").isFalse();
        assertThat(p.mayRepeat(71)).as("never fed before").isFalse();

        // a new mark in bucket 1 before 65 and 66 are read again keeps the old owner's marks for them
        p.append(64, PartitionProgress.ACTIVE, 1);
        p.mark(64, PartitionProgress.PARKED);
        p.writeDirty(this::bucket);
        assertThat(buckets).hasSize(1);
        assertThat(buckets.get(0)[2]).isEqualTo(PartitionProgress.bit(65) | PartitionProgress.bit(66));
        assertThat(buckets.get(0)[3]).isEqualTo(PartitionProgress.bit(64) | PartitionProgress.bit(67));
    }

    private void bucket(final int partition, final long bucket, final long done, final long unsent)
    {
        buckets.add(new long[] {partition, bucket, done, unsent});
    }
}
