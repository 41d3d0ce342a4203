package io.dispatch.bench.policy;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.SubmitSamples;
import io.dispatch.config.CapRules;
import io.dispatch.config.NightWindow;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.FrequencyCaps;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.ZoneOffsetCache;
import io.dispatch.protocol.MessageKind;
import io.dispatch.util.TokenBucket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Operations per second of each policy rule on its own, on the state {@link PolicyWorkload} builds (1M
 * recipients, caps history, rate limits on), with the stream's recipients and the simulated clock:
 * <ul>
 *   <li>{@code consentLookup}: {@link RecipientDirectory#flags} of the message's recipient and channel;</li>
 *   <li>{@code nightWindow}: the channel's blackout and night windows in the tenant's zone (both checked, as
 *       for a marketing message with night consent);</li>
 *   <li>{@code frequencyCap}: {@link FrequencyCaps#isCapped} for 1/24h,3/7d, then {@code record} when not
 *       capped, on a stream of consented recipients;</li>
 *   <li>{@code tokenBucket}: {@link TokenBucket#tryTake} on a 300k/s bucket at 200k/s;</li>
 *   <li>{@code dedupFindAndRecord}: hash a 16-byte idempotency key from a body, {@link DedupIndex#find} over
 *       {@code dedupKeys} live keys (expiring the oldest) and record it: the dedup work per new message.</li>
 * </ul>
 * The sum is more than {@code PolicyChainBenchmark.decide}: the chain stops at the first rule that decides
 * and only marketing sees consent, windows and caps.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyRulesBenchmark extends AbstractBenchmark
{
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int MARKETING = MessageKind.MARKETING.code();

    /** The directory, caps, windows and a bucket of a fresh engine, with a stream cursor and a clock. */
    @State(Scope.Thread)
    public static class Rules
    {
        @Param({"1000000"})
        public int recipients;

        @Param({"14:00"})
        public String localStart;

        PolicyWorkload workload;
        RecipientDirectory directory;
        FrequencyCaps caps;
        CapRules capRules;
        NightWindow[] night;
        NightWindow[] blackout;
        ZoneOffsetCache zone;
        TokenBucket bucket;
        MessageClock clock;
        int cursor;

        @Setup(Level.Trial)
        public void build()
        {
            workload = new PolicyWorkload(recipients, localStart);
            final PolicyEngine engine = workload.newEngine();
            directory = engine.directory();
            caps = engine.caps();
            capRules = engine.tenant(PolicyWorkload.TENANT_ID).caps(MARKETING, 0);
            night = engine.config().night();
            blackout = engine.config().blackout();
            zone = new ZoneOffsetCache(engine.tenant(PolicyWorkload.TENANT_ID).timeZone());
            bucket = new TokenBucket(PolicyWorkload.TENANT_RATE_PER_SECOND, 0, workload.startMs());
            clock = new MessageClock(workload.startMs());
        }

        int next()
        {
            return cursor++ & PolicyWorkload.STREAM_MASK;
        }
    }

    /** A dedup index at a steady {@code dedupKeys} live keys, and a body whose key changes per message. */
    @State(Scope.Thread)
    public static class Dedup
    {
        @Param({"1000000"})
        public int dedupKeys;

        DedupIndex index;
        byte[] body;
        long nextKey;
        MessageClock clock;

        @Setup(Level.Trial)
        public void build()
        {
            index = new DedupIndex(Math.max(1, dedupKeys / PolicyWorkload.MESSAGES_PER_MS));
            body = new byte[SubmitSamples.KEY_OFFSET + SubmitSamples.KEY_LENGTH];
            for (nextKey = 0; nextKey < dedupKeys; nextKey++)
            {
                index.record(hash(), nextKey, nextKey / PolicyWorkload.MESSAGES_PER_MS);
            }
            clock = new MessageClock(dedupKeys / PolicyWorkload.MESSAGES_PER_MS);
        }

        long hash()
        {
            LONG_LE.set(body, SubmitSamples.KEY_OFFSET, nextKey);
            return DedupIndex.hash(PolicyWorkload.TENANT_ID, body, SubmitSamples.KEY_OFFSET, SubmitSamples.KEY_LENGTH);
        }
    }

    @Benchmark
    public int consentLookup(final Rules s)
    {
        final int i = s.next();
        return s.directory.flags(s.workload.recipientKey(i), s.workload.channel(i));
    }

    @Benchmark
    public boolean nightWindow(final Rules s)
    {
        final int channel = s.workload.channel(s.next());
        final long now = s.clock.next();
        final long offsetMs = s.zone.offsetMs(now);
        return s.blackout[channel].contains(now, offsetMs) || s.night[channel].contains(now, offsetMs);
    }

    @Benchmark
    public boolean frequencyCap(final Rules s)
    {
        final long key = FrequencyCaps.key(s.workload.marketableKey(s.next()), MARKETING, 0);
        final long now = s.clock.next();
        if (s.caps.isCapped(key, s.capRules, now))
        {
            return true;
        }
        s.caps.record(key, now);
        return false;
    }

    @Benchmark
    public boolean tokenBucket(final Rules s)
    {
        return s.bucket.tryTake(s.clock.next());
    }

    @Benchmark
    public long dedupFindAndRecord(final Dedup s)
    {
        final long now = s.clock.next();
        final long key = s.hash();
        final long original = s.index.find(key, now);
        if (original < 0)
        {
            s.index.record(key, s.nextKey, now);
        }
        s.nextKey++;
        return original;
    }
}
