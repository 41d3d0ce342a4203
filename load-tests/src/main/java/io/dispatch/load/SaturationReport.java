package io.dispatch.load;

import io.dispatch.load.report.Html;
import io.dispatch.load.report.SvgChart;
import io.dispatch.load.scenario.Slo;
import io.dispatch.protocol.MessageKind;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a saturation sweep: every step's rate, throughput, percentiles and SLO verdict, and
 * the highest rate that met the SLO. Rendered as the sweep's report.json and report.html (the rate vs
 * latency curve).
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class SaturationReport
{
    /** One step of the sweep. */
    public static final class Step
    {
        public final double rate;
        public final RunReport report;
        public final SloCheck check;
        public final Path dir;

        Step(final double rate, final RunReport report, final SloCheck check, final Path dir)
        {
            this.rate = rate;
            this.report = report;
            this.check = check;
            this.dir = dir;
        }
    }

    private final LoadTestConfig config;
    private final List<Step> steps;
    private final String stopReason;

    public SaturationReport(final LoadTestConfig config, final List<Step> steps, final String stopReason)
    {
        this.config = config;
        this.steps = Collections.unmodifiableList(steps);
        this.stopReason = stopReason;
    }

    public List<Step> steps()
    {
        return steps;
    }

    /** @return the highest step rate that met the SLO, or NaN when none did. */
    public double maxRateMeetingSlo()
    {
        double best = Double.NaN;
        for (final Step s : steps)
        {
            if (s.check.met() && !(s.rate <= best))
            {
                best = s.rate;
            }
        }
        return best;
    }

    /** @return the first step rate that missed the SLO, or NaN. */
    public double firstFailingRate()
    {
        for (final Step s : steps)
        {
            if (!s.check.met())
            {
                return s.rate;
            }
        }
        return Double.NaN;
    }

    /** @return why the sweep ended before its last step, or null. */
    public String stopReason()
    {
        return stopReason;
    }

    public String toJson()
    {
        final JsonWriter w = new JsonWriter().beginObject()
            .field("mode", "saturation")
            .field("scenario", config.name())
            .field("slo", config.slo().toString())
            .field("jdk", Environment.jdk())
            .field("host_cpus", Runtime.getRuntime().availableProcessors())
            .field("connections", config.connections())
            .field("start_rate", config.saturation().startRate())
            .field("step_rate", config.saturation().stepRate())
            .field("max_rate", config.saturation().maxRate())
            .field("step_duration_s", config.saturation().stepDurationS())
            .field("step_warmup_s", config.saturation().warmupS())
            .field("max_rate_meeting_slo", maxRateMeetingSlo())
            .field("first_failing_rate", firstFailingRate())
            .field("stopped_early", stopReason != null);
        w.name("stop_reason");
        if (stopReason == null)
        {
            w.nullValue();
        }
        else
        {
            w.value(stopReason);
        }
        w.name("steps").beginArray();
        for (final Step s : steps)
        {
            final RunReport r = s.report;
            w.beginObject()
                .field("rate", s.rate)
                .field("throughput_per_s", r.throughputPerS)
                .field("offered", r.offered)
                .field("acked", r.measured.acked)
                .field("unsent", r.unsent())
                .field("unanswered", r.unanswered())
                .field("client_failed", r.measured.clientFailed);
            percentiles(w, "ack", r.ackLatencyUs);
            percentiles(w, "e2e", r.e2eLatencyUs);
            w.name("classes").beginObject();
            for (final MessageKind kind : config.kinds())
            {
                final int c = MessageClasses.index(kind);
                w.name(MessageClasses.name(c)).beginObject();
                percentiles(w, "ack", r.ackLatencyUs(c));
                percentiles(w, "e2e", r.e2eLatencyUs(c));
                w.endObject();
            }
            w.endObject();
            ReportWriter.slo(w.name("slo"), s.check);
            w.field("dir", s.dir.toString()).endObject();
        }
        w.endArray();
        return w.endObject().toString();
    }

    private static void percentiles(final JsonWriter w, final String series, final Histogram h)
    {
        for (final double p : new double[] {50, 99, 99.9})
        {
            w.name(series + "_p" + (p == 99.9 ? "999" : Long.toString((long)p)) + "_us");
            if (h.getTotalCount() == 0)
            {
                w.nullValue();
            }
            else
            {
                w.value(h.getValueAtPercentile(p));
            }
        }
    }

    public String toHtml()
    {
        final StringBuilder b = new StringBuilder(32_768);
        b.append("<h1>Saturation: ").append(Html.escape(config.name())).append("</h1>\n");
        b.append("<p>").append(Html.escape(Environment.jdk() + " · " + Runtime.getRuntime().availableProcessors() +
            " CPUs · " + config.connections() + " connections · steps " + config.saturation())).append("</p>\n");
        final double best = maxRateMeetingSlo();
        b.append("<p><b>Highest rate meeting the SLO ").append(Html.escape(config.slo().toString())).append(": ")
            .append(Double.isNaN(best) ? "none" : String.format(Locale.ROOT, "%,.0f msg/s", best)).append("</b>")
            .append(stopReason == null ? "" : " (stopped early: " + Html.escape(stopReason) + ")").append("</p>\n");
        b.append(latencyCurve().render());
        b.append(throughputCurve().render());
        b.append("<table><tr><th>rate</th><th>throughput</th><th>ack p50</th><th>ack p99</th><th>ack p99.9</th>" +
            "<th>e2e p99</th><th>e2e p99.9</th><th class=\"l\">SLO</th><th class=\"l\">report</th></tr>\n");
        for (final Step s : steps)
        {
            final RunReport r = s.report;
            b.append(String.format(Locale.ROOT, "<tr><td>%,.0f</td><td>%,.1f</td><td>%s</td><td>%s</td><td>%s</td>" +
                "<td>%s</td><td>%s</td><td class=\"l %s\">%s</td><td class=\"l\"><a href=\"%s/report.html\">%s</a></td></tr>%n",
                s.rate, r.throughputPerS, at(r.ackLatencyUs, 50), at(r.ackLatencyUs, 99), at(r.ackLatencyUs, 99.9),
                at(r.e2eLatencyUs, 99), at(r.e2eLatencyUs, 99.9), s.check.met() ? "met" : "missed",
                Html.escape(s.check.summary()), Html.escape(s.dir.toString()), Html.escape(s.dir.toString())));
        }
        b.append("</table>\n<script type=\"application/json\" id=\"report-data\">\n")
            .append(Html.scriptJson(toJson())).append("\n</script>\n");
        return HtmlReport.page("Saturation " + config.name(), b.toString());
    }

    private SvgChart latencyCurve()
    {
        final SvgChart chart = new SvgChart("Latency vs offered rate (measured period of each step)",
            "offered msg/s", SvgChart.Scale.LINEAR, HtmlReport::number, "latency", SvgChart.Scale.LOG, HtmlReport::millis);
        final double[] x = new double[steps.size()];
        final double[][] y = new double[4][steps.size()];
        for (int i = 0; i < x.length; i++)
        {
            final RunReport r = steps.get(i).report;
            x[i] = steps.get(i).rate;
            y[0][i] = ms(r.ackLatencyUs, 99);
            y[1][i] = ms(r.ackLatencyUs, 99.9);
            y[2][i] = ms(r.e2eLatencyUs, 99);
            y[3][i] = ms(r.e2eLatencyUs, 99.9);
        }
        chart.line("ack p99", x, y[0], false, true, 0).line("ack p99.9", x, y[1], true, true, 0)
            .line("e2e p99", x, y[2], false, true, 1).line("e2e p99.9", x, y[3], true, true, 1);
        for (final Slo.Condition c : config.slo().conditions())
        {
            chart.rule(c.thresholdUs / 1000.0, "SLO " + c.text);
        }
        return chart;
    }

    private SvgChart throughputCurve()
    {
        final SvgChart chart = new SvgChart("Throughput vs offered rate", "offered msg/s", SvgChart.Scale.LINEAR,
            HtmlReport::number, "acked msg/s", SvgChart.Scale.LINEAR, HtmlReport::number);
        final double[] x = new double[steps.size()];
        final double[] y = new double[steps.size()];
        for (int i = 0; i < x.length; i++)
        {
            x[i] = steps.get(i).rate;
            y[i] = steps.get(i).report.throughputPerS;
        }
        return chart.line("offered", x, x, true, false).line("acked", x, y, false, true);
    }

    private static double ms(final Histogram h, final double p)
    {
        return h.getTotalCount() == 0 ? Double.NaN : HtmlReport.ms(h.getValueAtPercentile(p));
    }

    private static String at(final Histogram h, final double p)
    {
        return h.getTotalCount() == 0 ? "-" : ProgressLine.formatMicros(h.getValueAtPercentile(p));
    }
}
