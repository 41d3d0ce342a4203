package io.dispatch.connector.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** One started message per recipient key; the others park in id order and start one by one as the head is done. */
class RecipientOrderTest
{
    @Test
    void shouldStartOneMessagePerKeyAndReleaseTheParkedInIdOrder()
    {
        final RecipientOrder order = new RecipientOrder(4);
        assertThat(order.tryStart(7, 10, true)).isTrue();
        assertThat(order.tryStart(7, 10, true)).as("the head itself, back from a retry").isTrue();
        assertThat(order.tryStart(8, 11, false)).as("another recipient").isTrue();
        assertThat(order.tryStart(7, 12, true)).isFalse();
        assertThat(order.tryStart(7, 14, true)).isFalse();
        assertThat(order.tryStart(7, 13, true)).as("taken late, still parked in id order").isFalse();
        assertThat(order.parked()).isEqualTo(3);
        assertThat(order.parkedPriority()).isEqualTo(3);

        assertThat(order.done(11)).isEqualTo(RecipientOrder.NONE);
        assertThat(order.done(10)).isEqualTo(12L << 1 | 1);
        assertThat(order.tryStart(7, 12, true)).as("released: it is the head now").isTrue();
        assertThat(order.tryStart(7, 15, true)).isFalse();
        assertThat(order.done(12) >>> 1).isEqualTo(13);
        assertThat(order.done(13) >>> 1).isEqualTo(14);
        assertThat(order.done(14) >>> 1).isEqualTo(15);
        assertThat(order.done(15)).isEqualTo(RecipientOrder.NONE);
        assertThat(order.done(99)).as("never started").isEqualTo(RecipientOrder.NONE);
        assertThat(order.parked()).isZero();
        assertThat(order.recipients()).isZero();
    }

    /** Many keys on a small table (growth, probing collisions, backward-shift removal) against a plain model. */
    @Test
    void shouldMatchAModelAcrossGrowthAndRemovals()
    {
        final RecipientOrder order = new RecipientOrder(1);
        final SplittableRandom random = new SplittableRandom(7);
        final java.util.Map<Long, List<Long>> model = new java.util.HashMap<>(); // key -> head, then parked
        final java.util.Map<Long, Long> keyOf = new java.util.HashMap<>();
        final List<Long> heads = new ArrayList<>();
        long nextId = 1;
        for (int step = 0; step < 200_000; step++)
        {
            if (heads.isEmpty() || random.nextInt(3) > 0)
            {
                // keys from a small range collide in the table and repeat often; 0 and -1 are legal keys too
                final long key = random.nextInt(300) - 1;
                final long id = nextId++;
                final List<Long> held = model.computeIfAbsent(key, k -> new ArrayList<>());
                final boolean started = order.tryStart(key, id, (id & 1) == 1);
                assertThat(started).isEqualTo(held.isEmpty());
                held.add(id);
                keyOf.put(id, key);
                if (started)
                {
                    heads.add(id);
                }
            }
            else
            {
                final long head = heads.remove(random.nextInt(heads.size()));
                final List<Long> held = model.get(keyOf.remove(head));
                held.remove(0);
                final long next = order.done(head);
                if (held.isEmpty())
                {
                    assertThat(next).isEqualTo(RecipientOrder.NONE);
                }
                else
                {
                    assertThat(next >>> 1).isEqualTo(held.get(0));
                    assertThat(next & 1).isEqualTo(held.get(0) & 1);
                    heads.add(held.get(0));
                }
            }
        }
        assertThat(order.recipients()).isEqualTo((int)model.values().stream().filter(l -> !l.isEmpty()).count());
    }
}
