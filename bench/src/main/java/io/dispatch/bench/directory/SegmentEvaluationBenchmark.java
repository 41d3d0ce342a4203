package io.dispatch.bench.directory;

import io.dispatch.directory.Segment;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.load.directory.DirectoryGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link TenantDirectory#evaluate} over a generated directory of {@code recipients} (default 10M, built in
 * the trial setup from {@link DirectoryGenerator} rows, about a minute), in SampleTime mode for the
 * percentiles. Segments, at the generator's reference time:
 * <ul>
 *   <li>{@code womenIn20sRecentBuyers}: the 4-predicate example, {@code gender = 'F' and age between 20
 *       and 29 and last_purchase within 7d and not tag('vip')};</li>
 *   <li>{@code womenIn20sRecentBuyersPush}: the same and {@code reachable('push')} (5 predicates);</li>
 *   <li>{@code notSeenFor90Days}: {@code last_visit before 90d} (a large result, about half the base);</li>
 *   <li>{@code pushAdConsentedNotVip}: {@code reachable('push') and consent('push') and not tag('vip')}.</li>
 * </ul>
 * One fork with an 8 GiB heap (the directory holds about 3 GB at 10M), touched at start-up
 * ({@code -XX:+AlwaysPreTouch}): otherwise the first pass of the evaluations' allocations through a young
 * generation of gigabytes takes a page fault per fresh page, and the iterations measured during that pass
 * run 2.5–3.5 times slower (docs/PERFORMANCE.md).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 10, timeUnit = TimeUnit.SECONDS)
public class SegmentEvaluationBenchmark
{
    @Param({"10000000"})
    public int recipients;

    private TenantDirectory tenant;
    private Segment womenIn20sRecentBuyers;
    private Segment womenIn20sRecentBuyersPush;
    private Segment notSeenFor90Days;
    private Segment pushAdConsentedNotVip;
    private final long nowMs = DirectoryGenerator.DEFAULT_NOW_MS;

    @Setup(Level.Trial)
    public void load() throws SegmentException
    {
        tenant = GeneratedDirectory.build(recipients).tenant(GeneratedDirectory.TENANT);
        womenIn20sRecentBuyers = tenant.compile(GeneratedDirectory.WOMEN_20S_RECENT_BUYERS);
        womenIn20sRecentBuyersPush = tenant.compile(GeneratedDirectory.WOMEN_20S_RECENT_BUYERS_PUSH);
        notSeenFor90Days = tenant.compile(GeneratedDirectory.NOT_SEEN_90_DAYS);
        pushAdConsentedNotVip = tenant.compile(GeneratedDirectory.PUSH_AD_NOT_VIP);
    }

    @Benchmark
    public int womenIn20sRecentBuyers()
    {
        return tenant.evaluate(womenIn20sRecentBuyers, nowMs).getCardinality();
    }

    @Benchmark
    public int womenIn20sRecentBuyersPush()
    {
        return tenant.evaluate(womenIn20sRecentBuyersPush, nowMs).getCardinality();
    }

    @Benchmark
    public int notSeenFor90Days()
    {
        return tenant.evaluate(notSeenFor90Days, nowMs).getCardinality();
    }

    @Benchmark
    public int pushAdConsentedNotVip()
    {
        return tenant.evaluate(pushAdConsentedNotVip, nowMs).getCardinality();
    }
}
