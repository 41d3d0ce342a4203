package io.dispatch.load;

import io.dispatch.load.report.Html;
import io.dispatch.load.report.SvgChart;
import io.dispatch.load.scenario.StreamSpec;
import io.dispatch.protocol.MessageKind;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code report.html}: one self-contained file (inline CSS and SVG, no script, no network) with
 * the run's summary, per-class percentiles and plots: throughput over time (offered vs acked), latency
 * percentile distribution per class (the HdrHistogram log-percentile plot), ack vs end-to-end latency and
 * p99 over time. The report's JSON is embedded too ({@code <script type="application/json" id="report-data">}).
 * <p>
 * <b>Threading:</b> stateless.
 */
public final class HtmlReport
{
    private static final String CSS = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}" +
        "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;" +
        "text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}.met{color:#080}.missed{color:#c00}" +
        "svg.chart{display:block;margin:12px 0}p.note{color:#555;font-size:90%}";

    static final double MIN_RATE_INTERVAL_S = 0.5;

    private HtmlReport()
    {
    }

    public static String run(final RunReport r)
    {
        final LoadTestConfig c = r.config;
        final StringBuilder b = new StringBuilder(65_536);
        b.append("<h1>Load test: ").append(Html.escape(c.name())).append("</h1>\n");
        b.append("<p>").append(Html.escape(r.startedAt + " · " + r.jdk + " · " + r.hostCpus + " CPUs · target " +
            (c.engineMode() == LoadTestConfig.EngineMode.EMBEDDED ? "embedded engine" : c.host() + ":" + c.port()) +
            " · " + c.connections() + " connections · warm-up " + c.warmupS() + " s, measured " + c.durationS() +
            " s")).append("</p>\n");
        streams(b, c);
        summary(b, r);
        if (r.engineLatency != null)
        {
            r.engineLatency.html(b);
        }
        if (c.slo() != null)
        {
            final SloCheck check = SloCheck.evaluate(c.slo(), r);
            b.append("<p class=\"").append(check.met() ? "met" : "missed").append("\"><b>SLO ")
                .append(Html.escape(c.slo().toString())).append("</b>: ").append(Html.escape(check.summary()))
                .append("</p>\n");
        }
        b.append(throughput(r).render());
        b.append(percentiles("Ack latency by percentile, per class (measured period)", r, false).render());
        b.append(percentiles("End-to-end latency by percentile, per class (measured period)", r, true).render());
        b.append(ackVersusE2e(r).render());
        b.append(p99OverTime(r).render());
        b.append("<p class=\"note\">Latency is measured from each message's intended send time on the open-loop " +
            "schedule, so sender and engine stalls count in full (coordinated omission corrected). Ack: until the " +
            "ACK (journaled). End-to-end: until PROVIDER_ACCEPTED or a terminal receipt. Engine ack (markers, with " +
            "--engine-latency-url): the engine's frame read → ACK p99 of each second. See docs/load-testing.md.</p>\n");
        b.append("<script type=\"application/json\" id=\"report-data\">\n")
            .append(Html.scriptJson(ReportWriter.toJson(r))).append("\n</script>\n");
        return page("Load test " + c.name(), b.toString());
    }

    static String page(final String title, final String body)
    {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title) +
            "</title>\n<style>" + CSS + "</style></head>\n<body>\n" + body + "</body></html>\n";
    }

    private static void streams(final StringBuilder b, final LoadTestConfig c)
    {
        b.append("<table><tr><th class=\"l\">stream</th><th class=\"l\">class</th><th class=\"l\">channel</th>" +
            "<th class=\"l\">rate</th><th class=\"l\">recipients</th><th class=\"l\">payload</th></tr>\n");
        for (final StreamSpec s : c.streams())
        {
            b.append("<tr>");
            for (final String v : new String[] {s.name(), s.kind().name().toLowerCase(Locale.ROOT), s.channelMix(),
                s.profile().toString(), s.recipients().toString(), s.payload().toString()})
            {
                b.append("<td class=\"l\">").append(Html.escape(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        if (!c.engineSettings().isEmpty())
        {
            b.append("<p>Engine settings: <code>").append(Html.escape(c.engineSettings().toString()))
                .append("</code></p>\n");
        }
    }

    private static void summary(final StringBuilder b, final RunReport r)
    {
        b.append(String.format(Locale.ROOT, "<p>Measured period: offered %,d, acked %,d, rejected %,d, " +
            "client-failed %,d, unsent %,d, unanswered %,d; throughput <b>%,.1f acks/s</b> (offered %,.1f/s); " +
            "e2e missing %,d.</p>%n", r.offered, r.measured.acked, r.measured.rejected, r.measured.clientFailed,
            r.unsent(), r.unanswered(), r.throughputPerS, r.config.rate(), r.e2eMissing()));
        b.append("<table><tr><th class=\"l\">class</th><th>offered</th><th>acked</th><th>ack p50</th>" +
            "<th>ack p90</th><th>ack p99</th><th>ack p99.9</th><th>ack max</th><th>e2e p50</th><th>e2e p99</th>" +
            "<th>e2e p99.9</th><th>e2e max</th></tr>\n");
        for (final MessageKind kind : r.config.kinds())
        {
            final int c = MessageClasses.index(kind);
            row(b, MessageClasses.name(c), r.offered(c), r.ackLatencyUs(c), r.e2eLatencyUs(c));
        }
        if (r.config.kinds().size() > 1)
        {
            row(b, "all", r.offered, r.ackLatencyUs, r.e2eLatencyUs);
        }
        b.append("</table>\n");
    }

    private static void row(final StringBuilder b, final String name, final long offered, final Histogram ack,
        final Histogram e2e)
    {
        b.append("<tr><td class=\"l\">").append(Html.escape(name)).append("</td><td>").append(offered)
            .append("</td><td>").append(ack.getTotalCount()).append("</td>");
        for (final double p : new double[] {50, 90, 99, 99.9})
        {
            b.append("<td>").append(at(ack, p)).append("</td>");
        }
        b.append("<td>").append(ack.getTotalCount() == 0 ? "-" : ProgressLine.formatMicros(ack.getMaxValue())).append("</td>");
        for (final double p : new double[] {50, 99, 99.9})
        {
            b.append("<td>").append(at(e2e, p)).append("</td>");
        }
        b.append("<td>").append(e2e.getTotalCount() == 0 ? "-" : ProgressLine.formatMicros(e2e.getMaxValue()))
            .append("</td></tr>\n");
    }

    private static String at(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? "-" : ProgressLine.formatMicros(h.getValueAtPercentile(percentile));
    }

    private static SvgChart throughput(final RunReport r)
    {
        // The last interval of a run is cut short at the end of the drain: its rate is noise.
        final List<Timeline.Point> points = r.timeline.points().stream().filter(p -> p.lengthS >= MIN_RATE_INTERVAL_S)
            .toList();
        final double[] t = new double[points.size()];
        final double[] offered = new double[points.size()];
        final double[] acked = new double[points.size()];
        for (int i = 0; i < t.length; i++)
        {
            final Timeline.Point p = points.get(i);
            t[i] = p.endS;
            offered[i] = p.offeredPerS;
            acked[i] = p.ackedPerS;
        }
        final SvgChart chart = new SvgChart("Throughput over time (per interval)", "seconds since start",
            SvgChart.Scale.LINEAR, HtmlReport::number, "messages / s", SvgChart.Scale.LINEAR, HtmlReport::number);
        chart.band(0, r.config.warmupS(), "warm-up");
        return chart.line("offered", t, offered, true, false).line("acked", t, acked, false, false);
    }

    private static SvgChart percentiles(final String title, final RunReport r, final boolean e2e)
    {
        final SvgChart chart = latencyByPercentile(title);
        for (final MessageKind kind : r.config.kinds())
        {
            final int c = MessageClasses.index(kind);
            addPercentiles(chart, MessageClasses.name(c), e2e ? r.e2eLatencyUs(c) : r.ackLatencyUs(c), false, c);
        }
        return chart;
    }

    private static SvgChart ackVersusE2e(final RunReport r)
    {
        final SvgChart chart = latencyByPercentile("Ack vs end-to-end latency by percentile (all classes)");
        addPercentiles(chart, "ack", r.ackLatencyUs, false, 0);
        addPercentiles(chart, "end-to-end", r.e2eLatencyUs, true, 1);
        return chart;
    }

    private static SvgChart p99OverTime(final RunReport r)
    {
        final List<Timeline.Point> points = r.timeline.points();
        final SvgChart chart = new SvgChart("p99 latency per interval", "seconds since start",
            SvgChart.Scale.LINEAR, HtmlReport::number, "latency", SvgChart.Scale.LOG, HtmlReport::millis);
        chart.band(0, r.config.warmupS(), "warm-up (not measured)");
        for (final MessageKind kind : r.config.kinds())
        {
            final int c = MessageClasses.index(kind);
            final double[] t = new double[points.size()];
            final double[] ack = new double[points.size()];
            final double[] e2e = new double[points.size()];
            for (int i = 0; i < t.length; i++)
            {
                t[i] = points.get(i).endS;
                ack[i] = ms(points.get(i).ackP99UsByClass[c]);
                e2e[i] = ms(points.get(i).e2eP99UsByClass[c]);
            }
            chart.line(MessageClasses.name(c) + " ack", t, ack, false, false, c);
            chart.line(MessageClasses.name(c) + " e2e", t, e2e, true, false, c);
            if (r.engineLatency != null && !r.engineLatency.timeline().isEmpty())
            {
                engineP99(chart, r.engineLatency.timeline(), c);
            }
        }
        return chart;
    }

    /** The engine's own ack p99 of each second (its /latency read each second), with markers to tell it apart. */
    private static void engineP99(final SvgChart chart, final List<EngineLatency.Point> points, final int c)
    {
        final double[] t = new double[points.size()];
        final double[] ack = new double[points.size()];
        for (int i = 0; i < t.length; i++)
        {
            t[i] = points.get(i).endS();
            final long ns = points.get(i).ackP99NsByClass()[c];
            ack[i] = ns < 0 ? Double.NaN : Math.max(0.001, ns / 1e6);
        }
        chart.line(MessageClasses.name(c) + " engine ack", t, ack, false, true, c);
    }

    static SvgChart latencyByPercentile(final String title)
    {
        return new SvgChart(title, "percentile", SvgChart.Scale.PERCENTILE, HtmlReport::number,
            "latency", SvgChart.Scale.LOG, HtmlReport::millis);
    }

    /**
     * Adds a histogram as HdrHistogram's percentile distribution (5 ticks per half-distance). The final
     * 100 % point is drawn at the percentile one sample resolves ({@code 1 - 1/count}), not stretched to
     * the axis' end, so a short run does not pretend to know its 99.999th percentile.
     */
    static void addPercentiles(final SvgChart chart, final String name, final Histogram h, final boolean dashed,
        final int colour)
    {
        final List<double[]> points = new ArrayList<>();
        if (h.getTotalCount() > 0)
        {
            final double resolved = 100.0 * (1 - 1.0 / Math.max(2, h.getTotalCount()));
            for (final HistogramIterationValue v : h.percentiles(5))
            {
                final double p = Math.min(resolved, v.getPercentileLevelIteratedTo());
                points.add(new double[] {p, ms(h.highestEquivalentValue(v.getValueIteratedTo()))});
            }
        }
        final double[] x = new double[points.size()];
        final double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++)
        {
            x[i] = points.get(i)[0];
            y[i] = Math.max(0.001, points.get(i)[1]);
        }
        chart.line(name + " (" + h.getTotalCount() + ")", x, y, dashed, false, colour);
    }

    static double ms(final long us)
    {
        return us < 0 ? Double.NaN : Math.max(0.001, us / 1000.0);
    }

    static String millis(final double ms)
    {
        if (ms >= 1000)
        {
            return trim(ms / 1000) + "s";
        }
        return ms >= 1 ? trim(ms) + "ms" : trim(ms * 1000) + "µs";
    }

    static String number(final double v)
    {
        if (Math.abs(v) >= 1_000_000)
        {
            return trim(v / 1_000_000) + "M";
        }
        return Math.abs(v) >= 1_000 ? trim(v / 1_000) + "k" : trim(v);
    }

    private static String trim(final double v)
    {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
