package io.dispatch.load;

import io.dispatch.client.CampaignResult;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one run: settings, measured-period counters, latency histograms (µs, from intended
 * send times) and environment. Counters are for messages <em>intended</em> in the measured period,
 * including answers that arrived during the drain, except {@link #receipts} (all receipt frames of
 * the run) and {@link #throughputPerS} (ACKs that arrived inside the measured period, per second).
 * <p>
 * <b>Threading:</b> immutable once built (the histograms must not be recorded into afterwards).
 */
public final class RunReport
{
    public final Instant startedAt;
    public final String jdk;
    public final int hostCpus;
    public final LoadTestConfig config;
    public final long offered;
    public final CounterTotals measured;
    public final CounterTotals warmup;
    public final long receipts;
    public final Map<String, Long> receiptsByState;
    public final long receiptsDropped;
    public final double throughputPerS;
    public final Histogram ackLatencyUs;
    public final Histogram e2eLatencyUs;
    public final double drainS;
    public final boolean drainTimedOut;
    public final int failedConnections;
    /** Per {@link MessageClasses} index: messages intended in the measured period. */
    private final long[] offeredByClass;
    private final Histogram[] ackByClass;
    private final Histogram[] e2eByClass;
    public final Timeline timeline;
    /** The engine's own figures for the measured period (--engine-latency-url), or null when not asked for. */
    public final EngineLatency engineLatency;
    /** The engine-side campaign's counters after the run (campaign.*), or null. */
    public final CampaignResult campaign;

    private RunReport(final Builder b)
    {
        startedAt = b.startedAt;
        jdk = b.jdk;
        hostCpus = b.hostCpus;
        config = b.config;
        offered = b.offered;
        measured = b.measured;
        warmup = b.warmup;
        receipts = b.receipts;
        receiptsByState = Collections.unmodifiableMap(new LinkedHashMap<>(b.receiptsByState));
        receiptsDropped = b.receiptsDropped;
        throughputPerS = b.throughputPerS;
        ackLatencyUs = b.ackLatencyUs;
        e2eLatencyUs = b.e2eLatencyUs;
        drainS = b.drainS;
        drainTimedOut = b.drainTimedOut;
        failedConnections = b.failedConnections;
        offeredByClass = b.offeredByClass.clone();
        ackByClass = b.ackByClass;
        e2eByClass = b.e2eByClass;
        timeline = b.timeline;
        engineLatency = b.engineLatency;
        campaign = b.campaign;
    }

    public long offered(final int classIndex)
    {
        return offeredByClass[classIndex];
    }

    /** @return ack latency (µs) of one class in the measured period; all classes: {@link #ackLatencyUs}. */
    public Histogram ackLatencyUs(final int classIndex)
    {
        return ackByClass[classIndex];
    }

    public Histogram e2eLatencyUs(final int classIndex)
    {
        return e2eByClass[classIndex];
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** @return measured-period messages due but never handed to the client (the run ended first). */
    public long unsent()
    {
        return Math.max(0, offered - measured.sent - measured.sendFailed);
    }

    /** @return measured-period messages sent but neither acked nor rejected by the end of the drain. */
    public long unanswered()
    {
        return measured.unanswered();
    }

    /** @return measured-period accepted (non-duplicate) messages with no completing receipt by the end. */
    public long e2eMissing()
    {
        return Math.max(0, measured.acked - measured.duplicates - measured.e2eCompleted);
    }

    /** Fluent builder; not thread-safe. */
    public static final class Builder
    {
        private Instant startedAt = Instant.EPOCH;
        private String jdk = Environment.jdk();
        private int hostCpus = Runtime.getRuntime().availableProcessors();
        private LoadTestConfig config;
        private long offered;
        private CounterTotals measured;
        private CounterTotals warmup;
        private long receipts;
        private Map<String, Long> receiptsByState = Map.of();
        private long receiptsDropped;
        private double throughputPerS;
        private Histogram ackLatencyUs;
        private Histogram e2eLatencyUs;
        private double drainS;
        private boolean drainTimedOut;
        private int failedConnections;
        private long[] offeredByClass = new long[MessageClasses.COUNT];
        private Histogram[] ackByClass;
        private Histogram[] e2eByClass;
        private Timeline timeline = new Timeline();
        private EngineLatency engineLatency;
        private CampaignResult campaign;

        private Builder()
        {
        }

        public Builder offeredByClass(final long[] v) { offeredByClass = v; return this; }
        public Builder timeline(final Timeline v) { timeline = v; return this; }
        public Builder engineLatency(final EngineLatency v) { engineLatency = v; return this; }
        public Builder campaign(final CampaignResult v) { campaign = v; return this; }

        /** Per-class latency histograms, indexed by {@link MessageClasses}. */
        public Builder classLatency(final Histogram[] ack, final Histogram[] e2e)
        {
            ackByClass = ack;
            e2eByClass = e2e;
            return this;
        }

        public Builder startedAt(final Instant v) { startedAt = v; return this; }
        public Builder jdk(final String v) { jdk = v; return this; }
        public Builder hostCpus(final int v) { hostCpus = v; return this; }
        public Builder config(final LoadTestConfig v) { config = v; return this; }
        public Builder offered(final long v) { offered = v; return this; }
        public Builder measured(final CounterTotals v) { measured = v; return this; }
        public Builder warmup(final CounterTotals v) { warmup = v; return this; }
        public Builder receipts(final long v) { receipts = v; return this; }
        public Builder receiptsByState(final Map<String, Long> v) { receiptsByState = v; return this; }
        public Builder receiptsDropped(final long v) { receiptsDropped = v; return this; }
        public Builder throughputPerS(final double v) { throughputPerS = v; return this; }
        public Builder ackLatencyUs(final Histogram v) { ackLatencyUs = v; return this; }
        public Builder e2eLatencyUs(final Histogram v) { e2eLatencyUs = v; return this; }
        public Builder drainS(final double v) { drainS = v; return this; }
        public Builder drainTimedOut(final boolean v) { drainTimedOut = v; return this; }
        public Builder failedConnections(final int v) { failedConnections = v; return this; }

        public RunReport build()
        {
            if (config == null || measured == null || warmup == null || ackLatencyUs == null || e2eLatencyUs == null)
            {
                throw new IllegalStateException("config, counters and both histograms are required");
            }
            if (ackByClass == null)
            {
                // Callers without a per-class breakdown (tests): everything counts as informational.
                ackByClass = new Histogram[MessageClasses.COUNT];
                e2eByClass = new Histogram[MessageClasses.COUNT];
                for (int c = 0; c < MessageClasses.COUNT; c++)
                {
                    ackByClass[c] = c == 0 ? ackLatencyUs : LatencyRecorder.newHistogram();
                    e2eByClass[c] = c == 0 ? e2eLatencyUs : LatencyRecorder.newHistogram();
                }
                offeredByClass[0] = offered;
            }
            return new RunReport(this);
        }
    }
}
