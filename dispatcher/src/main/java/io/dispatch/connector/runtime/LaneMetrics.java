package io.dispatch.connector.runtime;

import io.dispatch.protocol.Reason;
import io.dispatch.status.ClassLatency;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-lane counters, gauges, the send → provider-accepted latency histogram and the ring hand-off → send
 * histogram per class ({@link ClassLatency}). Written by the lane
 * thread only (ordered stores, no read-modify-write contention); read by the admin thread, which renders
 * the Prometheus text. The histogram is an HdrHistogram {@link SingleWriterRecorder}: recording is
 * wait-free and allocation-free on the lane thread; the reader accumulates interval histograms.
 */
public final class LaneMetrics
{
    public static final int SENT = 0;
    public static final int ACCEPTED = 1;
    public static final int THROTTLED = 2;
    public static final int THROTTLE_EPISODES = 3;
    public static final int FALLBACKS_OUT = 4;
    public static final int FALLBACKS_IN = 5;
    public static final int BREAKER_STATE = 6;
    public static final int BREAKER_OPENED = 7;
    public static final int RATE_MILLI_PER_SECOND = 8;
    public static final int FACTOR_PERMILLE = 9;
    public static final int WINDOW_LIMIT = 10;
    public static final int PAUSED_UNTIL_MS = 11;
    /** Messages DELIVERED within the lane's receipt deadline: the fallback they did not need. */
    public static final int FALLBACK_AVOIDED = 12;
    /** Receipts that came after the receipt deadline moved the message to its fallback channel. */
    public static final int FALLBACK_LATE_RECEIPTS = 13;
    private static final int VALUES = 14;
    private static final int REASONS = 64;
    private static final long HIGHEST_MICROS = 3_600_000_000L;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    private final String labels;
    private final AtomicLongArray values = new AtomicLongArray(VALUES);
    private final AtomicLongArray rejected = new AtomicLongArray(REASONS);
    private final AtomicLongArray failures = new AtomicLongArray(REASONS);
    private final AtomicLongArray deadLetters = new AtomicLongArray(REASONS);
    private final SingleWriterRecorder latency = new SingleWriterRecorder(1, HIGHEST_MICROS, 3);
    private final ClassLatency handoffLatency;
    // reader side, guarded by this (admin thread only; the lane never takes the lock)
    private final Histogram cumulative = new Histogram(1, HIGHEST_MICROS, 3);
    private Histogram interval;
    /** {@code ,channel="push",fallback="sms"} for a lane with a receipt deadline; null for others (no series). */
    private volatile String deadlineLabels;

    public LaneMetrics(final String lane)
    {
        this.labels = "{lane=\"" + lane + "\"";
        this.handoffLatency = new ClassLatency("lane=\"" + lane + "\",");
    }

    /** Before start: the lane falls back to {@code target} when a message is not DELIVERED by its receipt deadline. */
    void receiptDeadline(final String channel, final String target)
    {
        deadlineLabels = ",channel=\"" + channel + "\",fallback=\"" + target + "\"";
    }

    // ---- lane thread ----

    void increment(final int index)
    {
        values.lazySet(index, values.get(index) + 1);
    }

    void set(final int index, final long value)
    {
        if (values.get(index) != value)
        {
            values.lazySet(index, value);
        }
    }

    void countRejected(final Reason reason)
    {
        rejected.lazySet(reason.code(), rejected.get(reason.code()) + 1);
    }

    void countFailure(final Reason reason)
    {
        failures.lazySet(reason.code(), failures.get(reason.code()) + 1);
    }

    void countDeadLetter(final Reason reason)
    {
        deadLetters.lazySet(reason.code(), deadLetters.get(reason.code()) + 1);
    }

    /** Copies the gate's and breaker's state into the gauges (stores only what changed). */
    void publish(final LaneGate gate, final CircuitBreaker breaker)
    {
        set(BREAKER_STATE, breaker.state());
        set(BREAKER_OPENED, breaker.openedCount());
        set(RATE_MILLI_PER_SECOND, (long)(gate.effectiveRatePerSecond() * 1000));
        set(FACTOR_PERMILLE, Math.round(gate.factor() * 1000));
        set(WINDOW_LIMIT, gate.windowLimit());
        set(PAUSED_UNTIL_MS, gate.pausedUntilMs());
    }

    void recordAcceptLatencyMicros(final long micros)
    {
        latency.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, micros)));
    }

    /** Ring hand-off → the lane's first send of the message, per class, in ns. */
    void recordHandoffLatency(final byte kindCode, final long nanos)
    {
        handoffLatency.record(kindCode, nanos);
    }

    // ---- any thread ----

    /** @return ring hand-off → first send per class; the admin thread reads it ({@link ClassLatency}'s rules). */
    public ClassLatency handoffLatency()
    {
        return handoffLatency;
    }

    public long get(final int index)
    {
        return values.get(index);
    }

    public long deadLetters(final Reason reason)
    {
        return deadLetters.get(reason.code());
    }

    public long rejected(final Reason reason)
    {
        return rejected.get(reason.code());
    }

    private static final String[] COUNTERS = {
        "sent", "accepted", "throttled", "throttle_episodes", "fallbacks_out", "fallbacks_in", "breaker_opened"};
    private static final int[] COUNTER_INDEX = {
        SENT, ACCEPTED, THROTTLED, THROTTLE_EPISODES, FALLBACKS_OUT, FALLBACKS_IN, BREAKER_OPENED};
    private static final String[] COUNTER_HELP = {
        "sends handed to the connector", "sends the provider accepted", "sends the provider throttled",
        "times the lane cut its speed after throttling", "messages moved from this lane to its fallback lane",
        "messages this lane took over from another lane's fallback", "times the circuit breaker opened"};

    /**
     * Appends every lane's series in Prometheus text format, one group per metric family (the format wants
     * a family's samples together).
     */
    public static void appendPrometheus(final StringBuilder sb, final java.util.List<LaneMetrics> lanes)
    {
        for (int i = 0; i < COUNTERS.length; i++)
        {
            final String name = "dispatch_lane_" + COUNTERS[i] + "_total";
            family(sb, name, "counter", COUNTER_HELP[i]);
            for (final LaneMetrics m : lanes)
            {
                line(sb, name, m.labels, "", m.values.get(COUNTER_INDEX[i]));
            }
        }
        family(sb, "dispatch_fallback_avoided_total", "counter",
            "messages DELIVERED before the lane's receipt deadline: the fallback send they saved");
        lanes.stream().filter(m -> m.deadlineLabels != null).forEach(m ->
            line(sb, "dispatch_fallback_avoided_total", m.labels, m.deadlineLabels, m.values.get(FALLBACK_AVOIDED)));
        family(sb, "dispatch_fallback_late_receipts_total", "counter",
            "receipts that came after the receipt deadline moved the message to its fallback channel");
        lanes.stream().filter(m -> m.deadlineLabels != null).forEach(m -> line(sb,
            "dispatch_fallback_late_receipts_total", m.labels, m.deadlineLabels, m.values.get(FALLBACK_LATE_RECEIPTS)));
        family(sb, "dispatch_lane_rejected_total", "counter", "rejections by reason");
        lanes.forEach(m -> byReason(sb, "dispatch_lane_rejected_total", m.labels, m.rejected));
        family(sb, "dispatch_lane_failures_total", "counter", "transient send failures by reason (each attempt)");
        lanes.forEach(m -> byReason(sb, "dispatch_lane_failures_total", m.labels, m.failures));
        family(sb, "dispatch_lane_dead_letters_total", "counter", "messages the lane ended unsuccessfully, by reason");
        lanes.forEach(m -> byReason(sb, "dispatch_lane_dead_letters_total", m.labels, m.deadLetters));
        family(sb, "dispatch_lane_breaker_state", "gauge", "0 closed, 1 open, 2 half-open");
        lanes.forEach(m -> line(sb, "dispatch_lane_breaker_state", m.labels, "", m.values.get(BREAKER_STATE)));
        family(sb, "dispatch_lane_rate_per_second", "gauge", "rate in force (configured x speed factor), 0 = unlimited");
        lanes.forEach(m -> sb.append("dispatch_lane_rate_per_second").append(m.labels).append("} ")
            .append(m.values.get(RATE_MILLI_PER_SECOND) / 1000.0).append('\n'));
        family(sb, "dispatch_lane_speed_factor", "gauge", "AIMD factor after provider throttling, 1 = full speed");
        lanes.forEach(m -> sb.append("dispatch_lane_speed_factor").append(m.labels).append("} ")
            .append(m.values.get(FACTOR_PERMILLE) / 1000.0).append('\n'));
        family(sb, "dispatch_lane_window_limit", "gauge", "in-flight sends allowed now");
        lanes.forEach(m -> line(sb, "dispatch_lane_window_limit", m.labels, "", m.values.get(WINDOW_LIMIT)));
        family(sb, "dispatch_lane_accept_latency_seconds", "summary", "send to provider-accepted, since start");
        lanes.forEach(m -> m.appendLatency(sb));
        ClassLatency.family(sb, "dispatch_lane_handoff_latency_seconds",
            "ring hand-off of an ACKed message to the lane's first send, by class, since start");
        lanes.forEach(m -> m.handoffLatency.appendSamples(sb, "dispatch_lane_handoff_latency_seconds"));
    }

    private synchronized void appendLatency(final StringBuilder sb)
    {
        interval = latency.getIntervalHistogram(interval);
        cumulative.add(interval);
        final long count = cumulative.getTotalCount();
        for (final double q : QUANTILES)
        {
            sb.append("dispatch_lane_accept_latency_seconds").append(labels).append(",quantile=\"").append(q).append("\"} ")
                .append(count == 0 ? 0.0 : cumulative.getValueAtPercentile(q * 100.0) / 1e6).append('\n');
        }
        sb.append("dispatch_lane_accept_latency_seconds_count").append(labels).append("} ").append(count).append('\n');
        sb.append("dispatch_lane_accept_latency_seconds_sum").append(labels).append("} ")
            .append(cumulative.getMean() * count / 1e6).append('\n');
    }

    private static void family(final StringBuilder sb, final String name, final String type, final String help)
    {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(final StringBuilder sb, final String name, final String labels, final String extra, final long v)
    {
        sb.append(name).append(labels).append(extra).append("} ").append(v).append('\n');
    }

    private static void byReason(final StringBuilder sb, final String name, final String labels, final AtomicLongArray a)
    {
        for (final Reason r : Reason.values())
        {
            final long v = a.get(r.code());
            if (v != 0)
            {
                line(sb, name, labels, ",reason=\"" + r.name() + "\"", v);
            }
        }
    }
}
