package io.dispatch.bench.policy;

import io.dispatch.policy.DedupIndex;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * Measures the heap a {@link DedupIndex} holds per live key, for sizing {@code dedup.horizonHours}:
 * used heap after full GCs, before and after filling fresh indexes. Sizes are arguments (default
 * 100000 1000000 10000000); prints a markdown table. The map and the expiry FIFO grow by doubling, so
 * the figure steps with the size: quote the worst case. Under {@code -XX:+UseSerialGC} the figure is the
 * arrays' exact size; under G1 (the engine's collector) each big array is a humongous object rounded up
 * to whole regions, which is what the engine really pays. Heap for about 10M keys (600 MB) is enough:
 * {@code java -Xmx2g -cp bench/target/benchmarks.jar io.dispatch.bench.policy.DedupIndexFootprint}.
 * Single-threaded.
 */
public final class DedupIndexFootprint
{
    private static final long HORIZON_MS = 24L * 3_600_000L;
    private static final int GC_ROUNDS = 4;
    private static final long KEYS_PER_SAMPLE = 10_000_000;

    private DedupIndexFootprint()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final long[] sizes = args.length == 0 ? new long[] {100_000, 1_000_000, 10_000_000} : parse("DedupIndexFootprint", args);
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.println("JDK " + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        System.out.println();
        System.out.println("| keys | heap per index (MiB) | bytes/key |");
        System.out.println("|---:|---:|---:|");
        for (final long n : sizes)
        {
            final double perKey = bytesPerKey(memory, n);
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %.1f |%n", n, perKey * n / (1 << 20), perKey);
        }
    }

    /**
     * Fills enough indexes of {@code n} keys to hold about {@value #KEYS_PER_SAMPLE} keys in all, so heap
     * accounting granularity (G1 counts in regions) stays small next to what is measured. In its own
     * frame, so the indexes are unreachable once this returns and cannot inflate the next "before".
     */
    private static double bytesPerKey(final MemoryMXBean memory, final long n) throws InterruptedException
    {
        final int copies = (int)Math.max(1, KEYS_PER_SAMPLE / n);
        final DedupIndex[] indexes = new DedupIndex[copies];
        final long before = usedAfterGc(memory);
        for (int c = 0; c < copies; c++)
        {
            indexes[c] = new DedupIndex(HORIZON_MS);
            for (long i = 0; i < n; i++)
            {
                indexes[c].record(DedupKeys.key(i), i, 0);
            }
            if (indexes[c].size() != n)
            {
                throw new IllegalStateException("index holds " + indexes[c].size() + " keys, expected " + n);
            }
        }
        final long held = usedAfterGc(memory) - before;
        Reference.reachabilityFence(indexes);
        return held / ((double)n * copies);
    }

    /** Heap in use after a few full collections: what the structures still reachable hold. */
    static long usedAfterGc(final MemoryMXBean memory) throws InterruptedException
    {
        for (int i = 0; i < GC_ROUNDS; i++)
        {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** @return the key counts given on the command line; exits with usage naming {@code tool} on a bad one. */
    static long[] parse(final String tool, final String[] args)
    {
        final long[] sizes = new long[args.length];
        for (int i = 0; i < args.length; i++)
        {
            try
            {
                sizes[i] = Long.parseLong(args[i].replace("_", ""));
            }
            catch (final NumberFormatException ex)
            {
                System.err.println("usage: " + tool + " [keys...]   (not a number: " + args[i] + ")");
                System.exit(2);
            }
        }
        return sizes;
    }
}
