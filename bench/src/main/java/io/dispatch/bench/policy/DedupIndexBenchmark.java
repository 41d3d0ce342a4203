package io.dispatch.bench.policy;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.policy.DedupIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * {@link DedupIndex} at a steady population of {@code keys} live keys, with the ring's access pattern.
 * The clock is one tick (ms) per key and the horizon {@code keys} ticks, so:
 * <ul>
 *   <li>{@code findMissAndRecord}: a new key (the common case): the find expires exactly one old key and
 *       misses, then record inserts; what dedup + journal stages do per accepted message;</li>
 *   <li>{@code findHit}: a live key at a random position (a duplicate), clock held still.</li>
 * </ul>
 * Bytes per key are measured by {@link DedupIndexFootprint}, not here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DedupIndexBenchmark extends AbstractBenchmark
{
    /** An odd stride co-prime with every tested size, to visit live keys in a cache-hostile order. */
    private static final long HIT_STRIDE = 0x9E3779B1L;

    @Param({"100000", "1000000"})
    public int keys;

    private DedupIndex index;
    private long nowMs;
    private long nextKey;
    private long hitCursor;

    @Setup(Level.Trial)
    public void fill()
    {
        index = new DedupIndex(keys);
        for (nextKey = 0; nextKey < keys; nextKey++)
        {
            index.record(DedupKeys.key(nextKey), nextKey, nextKey);
        }
        nowMs = keys - 1;
    }

    @Benchmark
    public long findMissAndRecord()
    {
        final long key = DedupKeys.key(nextKey);
        final long original = index.find(key, ++nowMs);
        if (original < 0)
        {
            index.record(key, nextKey, nowMs);
        }
        nextKey++;
        return original;
    }

    @Benchmark
    public long findHit()
    {
        hitCursor = (hitCursor + HIT_STRIDE) % keys;
        return index.find(DedupKeys.key(nextKey - keys + hitCursor), nowMs);
    }
}
