package io.dispatch.load;

import io.dispatch.load.scenario.Slo;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Checks a run against an {@link Slo}. A condition on a series with no samples fails, and so does a run
 * that left measured messages unsent, unanswered or failed client-side: their latency is not in the
 * histograms, so percentiles alone would flatter an engine that fell over.
 * <p>
 * <b>Threading:</b> immutable result.
 */
public final class SloCheck
{
    /** One condition's outcome. */
    public static final class Outcome
    {
        public final Slo.Condition condition;
        /** The measured percentile (µs), -1 when there were no samples. */
        public final long measuredUs;
        public final boolean met;

        Outcome(final Slo.Condition condition, final long measuredUs, final boolean met)
        {
            this.condition = condition;
            this.measuredUs = measuredUs;
            this.met = met;
        }

        /** @return measured / threshold: above 1 is a miss; how far it is missed. */
        public double ratio()
        {
            return measuredUs < 0 ? Double.POSITIVE_INFINITY : (double)measuredUs / Math.max(1, condition.thresholdUs);
        }
    }

    private final List<Outcome> outcomes;
    private final String incomplete;

    private SloCheck(final List<Outcome> outcomes, final String incomplete)
    {
        this.outcomes = Collections.unmodifiableList(outcomes);
        this.incomplete = incomplete;
    }

    public static SloCheck evaluate(final Slo slo, final RunReport r)
    {
        final List<Outcome> outcomes = new ArrayList<>();
        for (final Slo.Condition c : slo.conditions())
        {
            final Histogram h = c.kind == null ? (c.e2e ? r.e2eLatencyUs : r.ackLatencyUs) :
                (c.e2e ? r.e2eLatencyUs(MessageClasses.index(c.kind)) : r.ackLatencyUs(MessageClasses.index(c.kind)));
            final long measured = h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(c.percentile);
            outcomes.add(new Outcome(c, measured, measured >= 0 && measured < c.thresholdUs));
        }
        String incomplete = null;
        final long lost = r.unsent() + r.unanswered() + r.measured.clientFailed + r.measured.sendFailed;
        if (lost > 0 || r.failedConnections > 0)
        {
            incomplete = lost + " measured message(s) unsent, unanswered or failed client-side" +
                (r.failedConnections > 0 ? ", " + r.failedConnections + " connection(s) failed" : "");
        }
        return new SloCheck(outcomes, incomplete);
    }

    public boolean met()
    {
        return incomplete == null && outcomes.stream().allMatch(o -> o.met);
    }

    /** @return the worst measured/threshold ratio (infinite when incomplete or a series had no samples). */
    public double worstRatio()
    {
        double worst = incomplete != null ? Double.POSITIVE_INFINITY : 0;
        for (final Outcome o : outcomes)
        {
            worst = Math.max(worst, o.ratio());
        }
        return worst;
    }

    public List<Outcome> outcomes()
    {
        return outcomes;
    }

    /** @return why the run cannot meet any SLO (messages lost to the histograms), or null. */
    public String incomplete()
    {
        return incomplete;
    }

    /** @return e.g. {@code met: p99.ack<5ms (3.2ms)} or {@code missed: p99.ack<5ms (12.0ms)}. */
    public String summary()
    {
        final StringBuilder sb = new StringBuilder(met() ? "met:" : "missed:");
        for (final Outcome o : outcomes)
        {
            sb.append(' ').append(o.condition.text).append(" (")
                .append(o.measuredUs < 0 ? "no samples" : ProgressLine.formatMicros(o.measuredUs))
                .append(o.met ? "" : " MISSED").append(')');
        }
        if (incomplete != null)
        {
            sb.append("; ").append(incomplete);
        }
        return sb.toString();
    }
}
