package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveMessagesTest
{
    @Test
    void findsWhatIsLiveAcrossRebuildsAndForgetsWhatWasRemoved()
    {
        final LiveMessages live = new LiveMessages();
        final OwnershipFence fence = new OwnershipFence(live, 4, 60_000);
        fence.own(2, 7);
        fence.renew(System.nanoTime());
        for (long id = 1; id <= 100_000; id++)
        {
            live.put(id, ClusterMessageIds.of(2, id), 2, 7);
            if (id > 10)
            {
                live.removeAt(live.find(id - 10)); // a steady state: tombstones force rebuilds
            }
        }
        assertThat(live.size()).isEqualTo(10);
        assertThat(fence.test(100_000)).isTrue();
        assertThat(fence.test(5)).as("done: no longer live").isFalse();
        assertThat(live.clusterId(live.find(99_995))).isEqualTo(ClusterMessageIds.of(2, 99_995));
        assertThat(fence.inFlight(2)).isEqualTo(1);

        fence.stopSending(2);
        assertThat(fence.test(99_999)).as("revoking: no new sends").isFalse();
        assertThat(fence.inFlight(2)).isEqualTo(1);
        fence.own(2, 8);
        assertThat(fence.test(99_999)).as("fed in an earlier ownership of the partition").isFalse();
    }

    @Test
    void namesTheKeysOfCopiesFedInAnOwnershipThatEnded()
    {
        final LiveMessages live = new LiveMessages();
        final OwnershipFence fence = new OwnershipFence(live, 4, 60_000);
        fence.own(1, 3);
        fence.own(2, 4);
        live.put(10, ClusterMessageIds.of(1, 10), 1, 3, 0xA1L);
        live.put(11, ClusterMessageIds.of(1, 11), 1, 3, 0); // no key: nothing to forget
        live.put(12, ClusterMessageIds.of(2, 12), 2, 4, 0xB2L);
        final java.util.Map<Long, Long> stale = new java.util.HashMap<>();
        live.forEachStale(fence, stale::put);
        assertThat(stale).isEmpty();

        fence.release(1);
        fence.own(1, 5); // the partition came back: what was fed in epoch 3 is stale
        live.forEachStale(fence, stale::put);
        assertThat(stale).containsExactly(java.util.Map.entry(0xA1L, 10L));
    }
}
