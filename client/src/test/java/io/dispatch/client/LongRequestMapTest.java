package io.dispatch.client;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LongRequestMapTest
{
    @Test
    void shouldBehaveLikeAHashMapUnderRandomOperations()
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final LongRequestMap map = new LongRequestMap(16);
        final Map<Long, Request> reference = new HashMap<>();
        long next = 1;
        for (int i = 0; i < 200_000; i++)
        {
            final int op = random.nextInt(10);
            if (op < 5)
            {
                final Request r = new PingRequest();
                map.put(next, r);
                reference.put(next, r);
                next++;
            }
            else
            {
                // Mostly recent ids, like answers to a pipelined window, sometimes unknown ones.
                final long key = Math.max(1, next - 1 - random.nextInt(64));
                assertThat(map.remove(key)).as("seed %d, key %d", seed, key).isSameAs(reference.remove(key));
            }
            assertThat(map.size()).as("seed %d", seed).isEqualTo(reference.size());
        }
        for (final Map.Entry<Long, Request> e : reference.entrySet())
        {
            assertThat(map.get(e.getKey())).as("seed %d", seed).isSameAs(e.getValue());
        }
        map.clear();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(1)).isNull();
    }
}
