package io.dispatch.bench.policy;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.policy.PolicyEngine;
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
 * Decisions per second on one thread for the whole policy chain, on {@link PolicyWorkload}'s state and
 * traffic (issue 3 target: ≥ 2M/s):
 * <ul>
 *   <li>{@code decide}: {@link PolicyEngine#decide} alone (send-at, opt-out, consent, blackout and night
 *       windows, frequency caps, rate limits), with the recipient key already hashed;</li>
 *   <li>{@code policyStage}: the ring's policy stage as the journal thread runs it, {@link PolicyStageDriver}:
 *       DedupHandler (hash key and recipient from the body, dedup find over {@code dedupKeys} live keys),
 *       PolicyHandler (decide, counters), then the dedup record the journal stage does. No journal append.</li>
 * </ul>
 * Allocation: run with {@code -prof gc}; both should show {@code gc.alloc.rate.norm} ≈ 0 B/op.
 * Each method builds its own state (about 3 s for 1M recipients), so the two do not share caps history.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyChainBenchmark extends AbstractBenchmark
{
    /** The engine alone, with its own stream cursor and simulated clock. */
    @State(Scope.Thread)
    public static class Engine
    {
        @Param({"1000000"})
        public int recipients;

        /** Asia/Seoul wall-clock time the run starts at; 22:00 puts marketing in the night window. */
        @Param({"14:00"})
        public String localStart;

        PolicyWorkload workload;
        PolicyEngine engine;
        MessageClock clock;
        int cursor;

        @Setup(Level.Trial)
        public void build()
        {
            workload = new PolicyWorkload(recipients, localStart);
            engine = workload.newEngine();
            clock = new MessageClock(workload.startMs());
        }
    }

    /** The dedup and policy stages on a DispatchEvent. */
    @State(Scope.Thread)
    public static class Stage
    {
        @Param({"1000000"})
        public int recipients;

        @Param({"14:00"})
        public String localStart;

        /** Live idempotency keys in the dedup index (the target is 10M: see DedupIndexFootprint). */
        @Param({"1000000"})
        public int dedupKeys;

        PolicyStageDriver driver;

        @Setup(Level.Trial)
        public void build()
        {
            driver = new PolicyStageDriver(new PolicyWorkload(recipients, localStart), dedupKeys);
        }
    }

    @Benchmark
    public byte decide(final Engine s)
    {
        final int i = s.cursor++ & PolicyWorkload.STREAM_MASK;
        final PolicyWorkload w = s.workload;
        return s.engine.decide(PolicyWorkload.TENANT_ID, w.kind(i), w.channel(i), w.recipientKey(i), 0, false, false,
            s.clock.next());
    }

    @Benchmark
    public byte policyStage(final Stage s)
    {
        return s.driver.submit();
    }
}
