package io.dispatch.directory;

import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BitSlicedIndexTest
{
    @Test
    void shouldAnswerRangesLikeAScanAcrossSignsWidthsAndUpdates()
    {
        final long seed = 20261126L;
        final SplittableRandom random = new SplittableRandom(seed);
        final BitSlicedIndex index = new BitSlicedIndex();
        final int n = 3000;
        final long[] values = new long[n];
        final boolean[] set = new boolean[n];
        for (int round = 0; round < 4; round++)
        {
            // Widen the value range each round so the index grows its depth while holding values.
            final long spread = round == 3 ? Long.MAX_VALUE : 1L << (8 + 16 * round);
            for (int i = 0; i < n; i++)
            {
                if (set[i])
                {
                    index.remove(i, values[i]);
                    set[i] = false;
                }
                if (random.nextInt(5) != 0)
                {
                    values[i] = round == 3 && random.nextInt(10) == 0
                        ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : random.nextLong(-spread, spread);
                    index.add(i, values[i]);
                    set[i] = true;
                }
            }
            for (int q = 0; q < 200; q++)
            {
                final long a = values[random.nextInt(n)] + random.nextInt(3) - 1;
                final long b = q % 10 == 0 ? Long.MAX_VALUE : values[random.nextInt(n)];
                final long lo = Math.min(a, b);
                final long hi = q % 7 == 0 ? Long.MAX_VALUE : Math.max(a, b);
                final RoaringBitmap expected = new RoaringBitmap();
                for (int i = 0; i < n; i++)
                {
                    if (set[i] && values[i] >= lo && values[i] <= hi)
                    {
                        expected.add(i);
                    }
                }
                assertThat(index.range(lo, hi)).as("seed %d round %d [%d, %d]", seed, round, lo, hi).isEqualTo(expected);
                final RoaringBitmap filter = new RoaringBitmap();
                filter.add(0L, (long)random.nextInt(n));
                final RoaringBitmap loEdge = new RoaringBitmap();
                final RoaringBitmap filtered = index.range(lo, hi, filter, loEdge, null);
                assertThat(filtered).isEqualTo(RoaringBitmap.and(expected, filter));
                loEdge.forEach((org.roaringbitmap.IntConsumer)i -> assertThat(values[i]).isEqualTo(lo));
            }
        }
        assertThat(index.depth()).isEqualTo(64);
    }

    @Test
    void shouldUseOnlyTheSlicesTheValuesNeed()
    {
        final BitSlicedIndex index = new BitSlicedIndex();
        index.add(0, 1950);
        index.add(1, 2010);
        assertThat(index.depth()).isEqualTo(12);
        assertThat(index.range(1951, 2010)).isEqualTo(RoaringBitmap.bitmapOf(1));
        assertThat(index.range(Long.MIN_VALUE, -1)).isEmpty();
    }
}
