package io.dispatch.schedule;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deferred-message queue: memory follows the messages held, not how many share a due time, and messages come
 * out in (due time, id) order.
 */
class DueQueueTest
{
    private static final long DUE_MS = 1_800_000_000_000L;

    @Test
    void shouldHoldAMillionMessagesDueAtOneInstantInArraysSizedToThemAndGiveThemUpInIdOrder()
    {
        final int count = 1_000_000;
        final DueQueue queue = new DueQueue();
        for (int i = 0; i < count; i++)
        {
            final long id = 1 + (i * 7919L) % count; // every id 1..count once, out of order
            queue.add(DUE_MS, id, (int)id);
        }

        assertThat(queue.size()).isEqualTo(count);
        assertThat(queue.capacity()).as("doubling from 1024: the next power of two").isEqualTo(1 << 20);
        assertThat(queue.hasDue(DUE_MS - 1)).isFalse();
        for (long expected = 1; expected <= count; expected++)
        {
            assertThat(queue.hasDue(DUE_MS)).isTrue();
            assertThat(queue.peekMessageId()).isEqualTo(expected);
            assertThat(queue.poll()).isEqualTo((int)expected);
        }
        assertThat(queue.size()).isZero();
        assertThat(queue.hasDue(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void shouldGiveUpMixedDueTimesInDueTimeThenIdOrderWhileMessagesKeepArriving()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final DueQueue queue = new DueQueue();
        final PriorityQueue<long[]> oracle = new PriorityQueue<>(
            Comparator.<long[]>comparingLong((e) -> e[0]).thenComparingLong((e) -> e[1]));
        final List<Long> taken = new ArrayList<>();
        final List<Long> expected = new ArrayList<>();
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                // few distinct due times, so ties on due time are common; ids unique, out of order
                final long dueAt = DUE_MS + random.nextInt(20) * 1_000L;
                final long id = round * 1_000L + i * 7L % 200 + 1;
                queue.add(dueAt, id, i);
                oracle.add(new long[] {dueAt, id});
            }
            for (int i = 0; i < 150; i++)
            {
                taken.add(queue.peekMessageId());
                queue.poll();
                expected.add(oracle.poll()[1]);
            }
        }
        while (queue.size() > 0)
        {
            taken.add(queue.peekMessageId());
            queue.poll();
            expected.add(oracle.poll()[1]);
        }

        assertThat(taken).hasSize(10_000).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldGiveUpEverythingInDueTimeThenIdOrderWhenDrainedAtOnce()
    {
        final DueQueue queue = new DueQueue();
        final long[][] messages = {
            {DUE_MS + 2_000, 3}, {DUE_MS, 9}, {DUE_MS + 1_000, 1}, {DUE_MS, 4}, {DUE_MS + 2_000, 2},
            {DUE_MS + 1_000, 7}, {DUE_MS, 5}, {DUE_MS + 1_000, 6}, {DUE_MS + 2_000, 8}};
        for (final long[] m : messages)
        {
            queue.add(m[0], m[1], (int)m[1]);
        }

        final List<Long> ids = new ArrayList<>();
        long now = DUE_MS - 1;
        while (queue.size() > 0)
        {
            now++;
            while (queue.hasDue(now))
            {
                ids.add(queue.peekMessageId());
                queue.poll();
            }
        }
        assertThat(ids).containsExactly(4L, 5L, 9L, 1L, 6L, 7L, 2L, 3L, 8L);
    }

    @Test
    void shouldMakeOnlyTheMatchingMessagesDueAndKeepTheRestInOrder()
    {
        final DueQueue queue = new DueQueue();
        for (int id = 1; id <= 100; id++)
        {
            // odd ids are the cancelled campaign's; every one due in an hour, later ids earlier
            queue.add(DUE_MS + 3_600_000 - id, id, id);
        }

        assertThat(queue.makeDue((slot) -> (slot & 1) == 1, DUE_MS)).isEqualTo(50);

        final List<Long> dueNow = new ArrayList<>();
        while (queue.hasDue(DUE_MS))
        {
            dueNow.add(queue.peekMessageId());
            queue.poll();
        }
        assertThat(dueNow).hasSize(50).allMatch((id) -> (id & 1) == 1).isSorted();
        final List<Long> rest = new ArrayList<>();
        while (queue.hasDue(Long.MAX_VALUE))
        {
            rest.add(queue.peekMessageId());
            queue.poll();
        }
        assertThat(rest).hasSize(50).allMatch((id) -> (id & 1) == 0);
        assertThat(rest).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void shouldNeverMakeAMessageDueLaterThanItWas()
    {
        final DueQueue queue = new DueQueue();
        queue.add(DUE_MS - 5_000, 1, 1);
        queue.add(DUE_MS + 5_000, 2, 2);

        assertThat(queue.makeDue((slot) -> true, DUE_MS)).isEqualTo(2);

        assertThat(queue.hasDue(DUE_MS - 5_000)).as("already overdue: stays so").isTrue();
        assertThat(queue.peekMessageId()).isEqualTo(1);
    }
}
