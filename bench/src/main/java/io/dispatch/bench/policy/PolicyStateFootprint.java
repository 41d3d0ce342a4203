package io.dispatch.bench.policy;

import io.dispatch.config.CapRules;
import io.dispatch.policy.FrequencyCaps;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.ConsentFlags;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * Measures the heap the per-recipient policy state holds per key, as {@link DedupIndexFootprint} does for
 * dedup keys: the {@link RecipientDirectory} (one entry per address with any consent flag) and the
 * {@link FrequencyCaps} (one entry per recipient, class and channel scope with a capped send, each holding
 * the last {@code depth} send times; depth 3 for {@value PolicyWorkload#CAPS}). Used heap after full GCs,
 * before and after filling fresh structures; sizes are arguments (default 100000 1000000 10000000); prints
 * a markdown table. Maps and arrays grow by doubling, so the figure steps with the size: quote the worst
 * case. Frequency-cap entries are never removed (see docs/tuning.md), so their count is every recipient that
 * ever received a capped class, not only the recent ones. About 1.2 GB of heap for 10M keys:
 * {@code java -Xmx3g -cp bench/target/benchmarks.jar io.dispatch.bench.policy.PolicyStateFootprint}.
 * Single-threaded.
 */
public final class PolicyStateFootprint
{
    private static final long KEYS_PER_SAMPLE = 10_000_000;
    private static final long T0_MS = 1_764_000_000_000L;

    private PolicyStateFootprint()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final long[] sizes = args.length == 0 ? new long[] {100_000, 1_000_000, 10_000_000} : DedupIndexFootprint.parse("PolicyStateFootprint", args);
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final int depth = CapRules.parse("caps", PolicyWorkload.CAPS).maxCount();
        System.out.println("JDK " + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        System.out.println();
        System.out.println("| structure | keys | heap (MiB) | bytes/key |");
        System.out.println("|---|---:|---:|---:|");
        for (final long n : sizes)
        {
            print("RecipientDirectory", n, bytesPerKey(memory, n, false, depth));
        }
        for (final long n : sizes)
        {
            print("FrequencyCaps depth " + depth, n, bytesPerKey(memory, n, true, depth));
        }
    }

    private static void print(final String structure, final long n, final double perKey)
    {
        System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f |%n", structure, n, perKey * n / (1 << 20), perKey);
    }

    /**
     * Fills enough structures of {@code n} keys to hold about {@value #KEYS_PER_SAMPLE} keys in all, so heap
     * accounting granularity stays small next to what is measured. In its own frame, so they are unreachable
     * once this returns.
     */
    private static double bytesPerKey(final MemoryMXBean memory, final long n, final boolean caps, final int depth)
        throws InterruptedException
    {
        final int copies = (int)Math.max(1, KEYS_PER_SAMPLE / n);
        final Object[] held = new Object[copies];
        final long before = DedupIndexFootprint.usedAfterGc(memory);
        for (int c = 0; c < copies; c++)
        {
            final long size;
            if (caps)
            {
                final FrequencyCaps f = new FrequencyCaps(depth, 7 * 86_400_000L);
                for (long i = 0; i < n; i++)
                {
                    f.record(DedupKeys.key(i), T0_MS);
                }
                size = f.size();
                held[c] = f;
            }
            else
            {
                final RecipientDirectory d = new RecipientDirectory();
                for (long i = 0; i < n; i++)
                {
                    d.apply(DedupKeys.key(i), 0, ConsentFlags.AD, 0);
                }
                size = d.size();
                held[c] = d;
            }
            if (size != n)
            {
                throw new IllegalStateException("holds " + size + " keys, expected " + n);
            }
        }
        final long used = DedupIndexFootprint.usedAfterGc(memory) - before;
        Reference.reachabilityFence(held);
        return used / ((double)n * copies);
    }
}
