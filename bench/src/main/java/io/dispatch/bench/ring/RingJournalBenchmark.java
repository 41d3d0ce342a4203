package io.dispatch.bench.ring;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.ScratchDirectory;
import io.dispatch.bench.SubmitSamples;
import io.dispatch.config.Configuration;
import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.config.TenantRegistry;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.ClearingHandler;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingTopology;
import io.dispatch.ring.StageChain;
import io.dispatch.stage.DedupHandler;
import io.dispatch.stage.JournalHandler;
import io.dispatch.stage.PolicyHandler;
import io.dispatch.stage.SessionFlusher;
import io.dispatch.stage.StatusHandler;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.PolicyRates;
import io.dispatch.status.StatusTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.agrona.concurrent.SystemEpochClock;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of the dispatch ring with the engine's real stages and a real Chronicle journal, without
 * the network and without connector lanes:
 * <pre>
 *  benchmark thread ─▶ ring (multi-  ─▶ │ dedup ─▶ journal append (+fsync) ─▶ latch │ ─▶ │ no-op ack ─▶ status ─▶ flush │
 *  (as RequestAdapter:   producer)      └──────────── ring-journal ─────────────────┘    └────────── ring-post ──────────┘
 *   claim, copy, publish)
 * </pre>
 * One invocation publishes {@value #BATCH} SUBMITs, each with a new idempotency key, the way
 * {@code RequestAdapter} does (high-water check, {@code tryNext}, fill the slot, copy the body out of a
 * direct buffer, publish), then waits until the last one has passed the post stage. Score: messages/s.
 * When the ring is above its high-water mark the producer yields and retries where ingest would NACK
 * BACKPRESSURE; {@code ringFullRetries} is the rate of those retries (per second, as the score).
 * <p>
 * Knobs: {@code waitStrategy} (ring.waitStrategy; busyspin is left out: three spinning threads on two
 * cores), {@code fsync} (journal.fsync: {@code batch} forces the pages once per ring batch) and
 * {@code ringSize} (ring.size). The dedup horizon is 1 s so the index stays at a steady size and every
 * insert also expires a key; what index size costs is {@code DedupIndexBenchmark}'s subject. The engine
 * (journal, tables, ring) lives for the whole trial, so later iterations see a warm, full status table.
 * Hand-off to lanes is left out: it needs running lanes, which are the load test's subject.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class RingJournalBenchmark extends AbstractBenchmark
{
    static final int BATCH = 32_768;

    private static final int TENANT_ID = 1;
    private static final int SESSION_REF = 1;
    private static final long DEDUP_HORIZON_MS = 1_000;
    private static final int DEFAULT_TTL_SECONDS = 86_400;
    private static final long DRAIN_POLL_NS = 10_000;
    private static final long SHUTDOWN_TIMEOUT_MS = 10_000;

    @Param({"blocking", "liteblocking", "phased", "sleeping", "yielding"})
    public String waitStrategy;

    /** 1: every stage on one thread (the default); 2: stages after the journal on a second thread. */
    @Param({"1", "2"})
    public int consumerThreads;

    @Param({"none", "batch"})
    public String fsync;

    @Param({"1024", "65536"})
    public int ringSize;

    private ByteBuf source;
    private int bodyLength;
    private long nextKey;
    private long published;
    private long reserve;

    private ScratchDirectory dir;
    private Journal journal;
    private RingTopology ring;
    private RingBuffer<DispatchEvent> ringBuffer;
    private NoopAckHandler acks;
    private ShutdownLatch journalStopped;

    /** Producer retries while the ring was above its high-water mark, reported per second. Reset per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Backpressure
    {
        public long ringFullRetries;

        @Setup(Level.Iteration)
        public void reset()
        {
            ringFullRetries = 0;
        }
    }

    @Setup(Level.Trial)
    public void start()
    {
        // A received frame's body as the socket leaves it: pooled direct memory.
        source = PooledByteBufAllocator.DEFAULT.directBuffer(512);
        bodyLength = SubmitSamples.encode(source, SubmitSamples.TEMPLATE);
        reserve = (long)ringSize * (100 - Configuration.RING_HIGH_WATER_PERCENT_DEFAULT) / 100;

        dir = new ScratchDirectory("ring-journal-bench");
        journal = new Journal(dir.path(), Configuration.JOURNAL_ROLL_CYCLE_DEFAULT);
        final Counters counters = new Counters();
        final DistinctErrorLog errors = new DistinctErrorLog(counters);
        final DedupIndex dedup = new DedupIndex(DEDUP_HORIZON_MS);
        final TenantRegistry tenants = new TenantRegistry(List.of(new TenantConfig(TENANT_ID, "bench", "bench-key")));
        final SessionFlusher flusher = new SessionFlusher();
        acks = new NoopAckHandler(counters);
        journalStopped = new ShutdownLatch();
        final TenantPolicy[] policies = new TenantPolicy[TENANT_ID + 1];
        final PolicyEngine engine = new PolicyEngine(PolicyConfig.read(new Settings(new java.util.Properties())), policies,
            new RecipientDirectory(), System.currentTimeMillis());
        final PolicyHandler policy = new PolicyHandler(engine, dedup, SystemEpochClock.INSTANCE, counters,
            new PolicyRates(TENANT_ID + 1));
        final StageChain journalStages = new StageChain(
            new DedupHandler(dedup, null, SystemEpochClock.INSTANCE),
            policy,
            new JournalHandler(journal, "batch".equals(fsync), dedup, tenants, counters, errors, DEFAULT_TTL_SECONDS,
                null, policy),
            journalStopped);
        final StatusHandler status = new StatusHandler(
            new StatusTable(Configuration.STATUS_CAPACITY_DEFAULT), new SessionRegistry(), flusher, counters,
            new io.dispatch.status.CampaignStats(), new io.dispatch.status.EndToEndLatency(), ringSize, null);
        ring = consumerThreads == 1
            ? new RingTopology(ringSize, waitStrategy, errors, new MarketingShare(0),
                new StageChain(journalStages, acks, status, flusher, new ClearingHandler()))
            : new RingTopology(ringSize, waitStrategy, errors, new MarketingShare(0), journalStages,
                new StageChain(acks, status, flusher, new ClearingHandler()));
        ringBuffer = ring.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException
    {
        try
        {
            ring.close();
            if (!journalStopped.await(SHUTDOWN_TIMEOUT_MS))
            {
                throw new IllegalStateException("journal stage did not shut down within " + SHUTDOWN_TIMEOUT_MS + " ms");
            }
            journal.close();
            dir.close();
        }
        finally
        {
            source.release();
        }
        if (acks.accepted() != published || acks.duplicates() != 0 || acks.failed() != 0)
        {
            throw new IllegalStateException("published " + published + " but accepted " + acks.accepted()
                + ", duplicates " + acks.duplicates() + ", journal failures " + acks.failed());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndDrain(final Backpressure backpressure)
    {
        long last = -1;
        for (int i = 0; i < BATCH; i++)
        {
            last = publish(backpressure);
        }
        awaitPassed(last);
        return last;
    }

    private long publish(final Backpressure backpressure)
    {
        // A new client message: same body, new idempotency key, so dedup accepts and records it.
        source.setLongLE(SubmitSamples.KEY_OFFSET, ++nextKey);
        long sequence;
        while ((sequence = claimRingSlot()) < 0)
        {
            backpressure.ringFullRetries++;
            Thread.yield();
        }
        final DispatchEvent e = ringBuffer.get(sequence);
        e.type = DispatchEvent.SUBMIT;
        e.session = null;
        e.sessionRef = SESSION_REF;
        e.correlationId = nextKey;
        e.tenantId = TENANT_ID;
        e.kind = (byte)source.getUnsignedByte(SubmitDescriptor.KIND_OFFSET);
        e.channel = (byte)source.getUnsignedByte(SubmitDescriptor.CHANNEL_OFFSET);
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.keyHash = 0;
        e.bodyLength = bodyLength;
        source.getBytes(0, e.ensureBodyCapacity(bodyLength), 0, bodyLength);
        ringBuffer.publish(sequence);
        published++;
        return sequence;
    }

    /** As RequestAdapter.claimRingSlot: refuse above the high-water mark, never block. */
    private long claimRingSlot()
    {
        if (ringBuffer.remainingCapacity() < reserve)
        {
            return -1;
        }
        try
        {
            return ringBuffer.tryNext();
        }
        catch (final com.lmax.disruptor.InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    /** The post stage's sequence gates the ring; park rather than spin, so the two ring threads keep the cores. */
    private void awaitPassed(final long sequence)
    {
        while (ringBuffer.getMinimumGatingSequence() < sequence)
        {
            LockSupport.parkNanos(DRAIN_POLL_NS);
        }
    }
}
