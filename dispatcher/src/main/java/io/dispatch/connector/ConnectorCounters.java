package io.dispatch.connector;

import io.dispatch.protocol.Reason;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters every connector can keep for {@link Connector#writeMetrics}: requests sent, provider
 * answers by outcome and reason, throttling, and the send → answer latency. The runtime's lane metrics
 * count what the lane saw; these count what one provider did (under a router, each provider apart).
 * <p>
 * <b>Threading:</b> record from any thread (lane thread, event loops): counters are atomic and the
 * latency {@link Recorder} is wait-free; {@link #write} on the admin thread.
 */
public final class ConnectorCounters
{
    private static final int SENT = 0;
    private static final int ACCEPTED = 1;
    private static final int THROTTLED = 2;
    private static final int REASONS = 64;
    private static final long HIGHEST_MICROS = 3_600_000_000L;
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    private final AtomicLongArray values = new AtomicLongArray(3);
    private final AtomicLongArray rejected = new AtomicLongArray(REASONS);
    private final AtomicLongArray failed = new AtomicLongArray(REASONS);
    private final Recorder latency = new Recorder(1, HIGHEST_MICROS, 3);
    // reader side, admin thread only (guarded by this)
    private final Histogram cumulative = new Histogram(1, HIGHEST_MICROS, 3);
    private Histogram interval;

    /** A request went to the provider. */
    public void sent()
    {
        values.incrementAndGet(SENT);
    }

    /**
     * @param latencyNs from the send to the provider's answer.
     */
    public void accepted(final long latencyNs)
    {
        values.incrementAndGet(ACCEPTED);
        recordLatency(latencyNs);
    }

    /**
     * @param latencyNs from the send to the provider's answer, or a negative value when the connector
     *                  refused the message without a request.
     */
    public void rejected(final Reason reason, final long latencyNs)
    {
        rejected.incrementAndGet(reason.code());
        recordLatency(latencyNs);
    }

    /**
     * A transient failure; {@link Reason#PROVIDER_THROTTLED} also counts as throttled.
     *
     * @param latencyNs as for {@link #rejected}; negative when no request was made (e.g. a local cap).
     */
    public void failed(final Reason reason, final long latencyNs)
    {
        failed.incrementAndGet(reason.code());
        if (reason == Reason.PROVIDER_THROTTLED)
        {
            values.incrementAndGet(THROTTLED);
        }
        recordLatency(latencyNs);
    }

    public long sentCount()
    {
        return values.get(SENT);
    }

    public long acceptedCount()
    {
        return values.get(ACCEPTED);
    }

    public long throttledCount()
    {
        return values.get(THROTTLED);
    }

    public long rejectedCount(final Reason reason)
    {
        return rejected.get(reason.code());
    }

    private void recordLatency(final long latencyNs)
    {
        if (latencyNs >= 0)
        {
            latency.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(latencyNs))));
        }
    }

    /** Writes every series; admin thread. */
    public synchronized void write(final MetricsWriter out)
    {
        out.counter("sent_total", "requests sent to the provider", values.get(SENT));
        out.counter("accepted_total", "requests the provider accepted", values.get(ACCEPTED));
        out.counter("throttled_total", "sends failed as throttled (provider 429 or a local in-flight cap)", values.get(THROTTLED));
        byReason(out, "rejected_total", "permanent refusals by reason (by the provider or before sending)", rejected);
        byReason(out, "failed_total", "transient failures by reason", failed);
        interval = latency.getIntervalHistogram(interval);
        cumulative.add(interval);
        final long count = cumulative.getTotalCount();
        final double[] seconds = new double[QUANTILES.length];
        for (int i = 0; i < QUANTILES.length; i++)
        {
            seconds[i] = count == 0 ? 0.0 : cumulative.getValueAtPercentile(QUANTILES[i] * 100.0) / 1e6;
        }
        out.summary("answer_latency_seconds", "send to provider answer, since start", QUANTILES, seconds, count,
            cumulative.getMean() * count / 1e6);
    }

    private static void byReason(final MetricsWriter out, final String name, final String help, final AtomicLongArray counts)
    {
        for (final Reason r : Reason.values())
        {
            final long v = counts.get(r.code());
            if (v != 0)
            {
                out.counter(name, help, v, "reason", r.name());
            }
        }
    }
}
