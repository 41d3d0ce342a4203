package io.dispatch.bench.directory;

import io.dispatch.directory.Directory;
import io.dispatch.directory.Segment;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.load.directory.DirectoryGenerator;
import org.roaringbitmap.RoaringBitmap;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Load, memory and snapshot figures of a generated directory, one run per JVM (a plain main, not JMH: each
 * step runs once on a fresh heap, so this is a single-shot measurement; run it several times):
 * <ol>
 *   <li>unless DIR already has it, generate {@code count} UPSERT ops into DIR/ops-COUNT.bin (not timed as load:
 *       it stands for the journal);</li>
 *   <li>the load: read, validate and apply every op from that file (page-cached after the first run); wall
 *       time and the applying thread's CPU time; then heap after full GCs minus before;</li>
 *   <li>write a snapshot (temp file, fsync, rename) and its size; drop the directory;</li>
 *   <li>read the snapshot, heap after full GCs; check three segments give the same results.</li>
 * </ol>
 * {@code java -Xmx8g -cp bench/target/benchmarks.jar io.dispatch.bench.directory.DirectoryLoadTool 10000000 DIR}
 */
public final class DirectoryLoadTool
{
    private static final String[] SEGMENTS = {
        GeneratedDirectory.WOMEN_20S_RECENT_BUYERS_PUSH, GeneratedDirectory.NOT_SEEN_90_DAYS,
        GeneratedDirectory.PUSH_AD_NOT_VIP,
    };

    private DirectoryLoadTool()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
        final Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("directory-load");
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final long now = DirectoryGenerator.DEFAULT_NOW_MS;
        System.out.println("JDK " + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MiB, " + String.format(Locale.ROOT, "%,d", count) + " recipients");

        final Path ops = dir.resolve("ops-" + count + ".bin");
        long t0 = System.nanoTime();
        if (!Files.exists(ops))
        {
            GeneratedDirectory.writeOps(ops, count);
            System.out.printf(Locale.ROOT, "generated %s in %.1f s%n", ops, seconds(t0));
        }
        final long opBytes = Files.size(ops);

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long before = usedAfterGc(memory);
        final long cpu0 = threads.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        Directory directory = GeneratedDirectory.replay(ops);
        final double loadS = seconds(t0);
        final double loadCpuS = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        final long loaded = usedAfterGc(memory) - before;
        final TenantDirectory tenant = directory.tenant(GeneratedDirectory.TENANT);
        final long[] expected = cardinalities(tenant, now);

        final Path file = dir.resolve("directory.snapshot");
        t0 = System.nanoTime();
        directory.writeSnapshot(file, count);
        final double writeS = seconds(t0);
        final long fileBytes = Files.size(file);
        final long arena = tenant.arenaBytes();
        final long indexes = tenant.indexBytes();
        directory = null;

        final long beforeRead = usedAfterGc(memory);
        t0 = System.nanoTime();
        final Directory copy = Directory.readSnapshot(file);
        final double readS = seconds(t0);
        final long read = usedAfterGc(memory) - beforeRead;
        final long[] actual = cardinalities(copy.tenant(GeneratedDirectory.TENANT), now);
        Files.delete(file);
        System.out.printf(Locale.ROOT, "%nGC: %s%n", gcSummary());

        System.out.println();
        System.out.println("| step | value |");
        System.out.println("|---|---:|");
        row("ops file (MiB)", opBytes / 1048576.0);
        row("load: read + validate + apply, wall (s)", loadS);
        row("load: CPU time of the applying thread (s)", loadCpuS);
        row("heap held after load (MiB)", loaded / 1048576.0);
        row("heap per recipient (bytes)", loaded / (double)count);
        row("  of which arena: ids, phones, chat keys, tokens (MiB)", arena / 1048576.0);
        row("  of which bitmap indexes, Roaring's count (MiB)", indexes / 1048576.0);
        row("snapshot write incl. fsync (s)", writeS);
        row("snapshot size (MiB)", fileBytes / 1048576.0);
        row("snapshot read (s)", readS);
        row("heap held after snapshot read (MiB)", read / 1048576.0);
        for (int i = 0; i < SEGMENTS.length; i++)
        {
            System.out.printf(Locale.ROOT, "| `%s` | %,d recipients%s |%n", SEGMENTS[i], expected[i],
                expected[i] == actual[i] ? "" : " (after read: " + actual[i] + "!)");
        }
        if (!java.util.Arrays.equals(expected, actual))
        {
            System.exit(1);
        }
    }

    private static long[] cardinalities(final TenantDirectory t, final long now) throws SegmentException
    {
        final long[] result = new long[SEGMENTS.length];
        for (int i = 0; i < SEGMENTS.length; i++)
        {
            final Segment s = t.compile(SEGMENTS[i]);
            final RoaringBitmap r = t.evaluate(s, now);
            result[i] = r.getLongCardinality();
        }
        return result;
    }

    private static String gcSummary()
    {
        final StringBuilder sb = new StringBuilder();
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            sb.append(gc.getName()).append(' ').append(gc.getCollectionCount()).append(" collections ")
                .append(gc.getCollectionTime()).append(" ms; ");
        }
        return sb.toString();
    }

    private static void row(final String name, final double value)
    {
        System.out.printf(Locale.ROOT, "| %s | %,.1f |%n", name, value);
    }

    private static double seconds(final long startNs)
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    private static long usedAfterGc(final MemoryMXBean memory) throws InterruptedException
    {
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
