package io.dispatch.util;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineFifoTest
{
    private final LongHashSet live = new LongHashSet();
    private final DeadlineFifo fifo = new DeadlineFifo(16, live::contains);

    @Test
    void shouldDropDoneEntriesWhenFullInsteadOfGrowingAndKeepTheOrderOfTheRest()
    {
        for (long v = 0; v < 16; v++)
        {
            add(v, v * 10);
        }
        for (long v = 0; v < 16; v++)
        {
            if (v % 4 != 0)
            {
                live.remove(v); // done before its deadline
            }
        }

        add(100, 200);

        assertThat(fifo.capacity()).isEqualTo(16);
        assertThat(fifo.size()).isEqualTo(5);
        assertExpiresInOrder(0, 4, 8, 12, 100);
    }

    @Test
    void shouldGrowWhenMostEntriesAreStillLive()
    {
        for (long v = 0; v < 16; v++)
        {
            add(v, v);
        }
        live.remove(3L);
        live.remove(9L);

        add(16, 16);

        assertThat(fifo.capacity()).isEqualTo(32);
        assertExpiresInOrder(0, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16);
    }

    @Test
    void shouldKeepOrderWhenTheLiveEntriesWrapAroundTheArray()
    {
        for (long v = 0; v < 16; v++)
        {
            add(v, v);
        }
        for (int i = 0; i < 10; i++)
        {
            fifo.removeHead(); // head now in the middle of the array
        }
        for (long v = 16; v < 26; v++)
        {
            add(v, v);
        }
        for (long v = 10; v < 26; v += 2)
        {
            live.remove(v);
        }

        add(26, 26);

        assertThat(fifo.capacity()).isEqualTo(16);
        assertExpiresInOrder(11, 13, 15, 17, 19, 21, 23, 25, 26);
    }

    private void add(final long value, final long deadline)
    {
        live.add(value);
        fifo.add(value, "a" + value, deadline);
    }

    private void assertExpiresInOrder(final long... values)
    {
        for (final long v : values)
        {
            assertThat(fifo.headExpired(Long.MAX_VALUE)).isTrue();
            assertThat(fifo.headValue()).isEqualTo(v);
            assertThat(fifo.headAttachment()).isEqualTo("a" + v);
            fifo.removeHead();
        }
        assertThat(fifo.size()).isZero();
    }
}
