package io.dispatch.util;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineHeapTest
{
    @Test
    void shouldExpireInDeadlineOrderWhateverTheAddOrderAndKeepAddOrderForTies()
    {
        final DeadlineHeap heap = new DeadlineHeap(4);
        heap.add(1, 120_000);
        heap.add(2, 10_000);
        heap.add(3, 60_000);
        heap.add(4, 10_000);

        assertThat(heap.headExpired(9_999)).isFalse();
        assertThat(drain(heap, 10_000)).containsExactly(2L, 4L);
        assertThat(drain(heap, 60_000)).containsExactly(3L);
        assertThat(drain(heap, Long.MAX_VALUE)).containsExactly(1L);
        assertThat(heap.size()).isZero();
    }

    @Test
    void shouldMatchASortAcrossGrowthAndInterleavedRemovals()
    {
        final Random random = new Random(42);
        final DeadlineHeap heap = new DeadlineHeap(16);
        final List<long[]> expected = new ArrayList<>();
        long sequence = 0;
        final List<Long> out = new ArrayList<>();
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                final long deadline = random.nextInt(10_000);
                heap.add(sequence, deadline);
                expected.add(new long[] {deadline, sequence++});
            }
            for (int i = 0; i < 150; i++)
            {
                out.add(heap.headValue());
                heap.removeHead();
            }
        }
        while (heap.size() > 0)
        {
            out.add(heap.headValue());
            heap.removeHead();
        }
        assertThat(out).hasSize(expected.size()).doesNotHaveDuplicates();
        // every removal took the earliest of what was in the heap then: check by replaying against a sorted list
        final java.util.PriorityQueue<long[]> model = new java.util.PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        final List<Long> modelOut = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                model.add(expected.get(next++));
            }
            for (int i = 0; i < 150; i++)
            {
                modelOut.add(model.poll()[1]);
            }
        }
        while (!model.isEmpty())
        {
            modelOut.add(model.poll()[1]);
        }
        assertThat(out).isEqualTo(modelOut);
    }

    private static List<Long> drain(final DeadlineHeap heap, final long now)
    {
        final List<Long> ids = new ArrayList<>();
        while (heap.headExpired(now))
        {
            ids.add(heap.headValue());
            heap.removeHead();
        }
        return ids;
    }
}
