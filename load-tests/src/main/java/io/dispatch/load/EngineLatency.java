package io.dispatch.load;

import io.dispatch.load.report.Html;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's own latency over exactly the measured period: its {@code /latency} histograms
 * ({@code --engine-latency-url}) read at the end of the warm-up and again after the drain, the first subtracted from
 * the second. Frame read → ACK per class ({@code ack}) and ring hand-off → first send per lane and class
 * ({@code handoff}), shown beside the client-side figures so a slow ACK can be placed in the engine, the network or
 * the generator. Values are the engine's ns; reports show µs.
 * <p>
 * <b>Threading:</b> immutable once built.
 */
public final class EngineLatency
{
    static final String ACK = "ack";
    static final String HANDOFF = "handoff";
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    /** One series over the window: {@code lane} is empty for the ack family; {@code window} in ns. */
    public record Series(String family, String lane, String kind, Histogram window)
    {
        /** @return e.g. {@code ack/auth} or {@code handoff/sms-simulated/auth}: report.json's key. */
        public String key()
        {
            return lane.isEmpty() ? family + '/' + kind : family + '/' + lane + '/' + kind;
        }
    }

    /** One reading of {@code /latency}: each series' histogram since the engine started, by tag. */
    public record Snapshot(Map<String, Histogram> byTag)
    {
        /** @throws IllegalArgumentException when the page is not an HdrHistogram log of integer histograms. */
        public static Snapshot parse(final String log)
        {
            final Map<String, Histogram> out = new LinkedHashMap<>();
            final HistogramLogReader reader =
                new HistogramLogReader(new ByteArrayInputStream(log.getBytes(StandardCharsets.US_ASCII)));
            while (reader.hasNext())
            {
                final EncodableHistogram h = reader.nextIntervalHistogram();
                if (!(h instanceof Histogram histogram) || h.getTag() == null)
                {
                    throw new IllegalArgumentException("not a tagged integer histogram: " + h);
                }
                out.put(h.getTag(), histogram);
            }
            if (out.isEmpty())
            {
                throw new IllegalArgumentException("no histogram in the page");
            }
            return new Snapshot(Collections.unmodifiableMap(out));
        }
    }

    /** One second of the engine's ack latency (the interval ending at {@code endS} since the run's start). */
    public record Point(double endS, long[] ackP99NsByClass)
    {
    }

    private final List<Series> series;
    private final List<Point> timeline;
    private final String problem;
    private final double fromS;
    private final double toS;

    private EngineLatency(final List<Series> series, final List<Point> timeline, final String problem,
        final double fromS, final double toS)
    {
        this.series = series;
        this.timeline = timeline;
        this.problem = problem;
        this.fromS = fromS;
        this.toS = toS;
    }

    /** @return the figures of {@code problem} alone: the report says why there are none. */
    static EngineLatency unavailable(final String problem)
    {
        return new EngineLatency(List.of(), List.of(), problem, Double.NaN, Double.NaN);
    }

    /** @return these figures with the times (s since the run's start) the two readings were taken. */
    EngineLatency readAt(final double startS, final double endS)
    {
        return new EngineLatency(series, timeline, problem, startS, endS);
    }

    /**
     * @param start the reading at the start of the window, or null when it failed.
     * @param end   the reading at its end, or null when it failed.
     * @return every series with a value in the window: {@code end - start}, exactly the values recorded in between.
     */
    static EngineLatency between(final Snapshot start, final Snapshot end, final List<Point> timeline)
    {
        if (start == null || end == null)
        {
            return unavailable("the engine's /latency could not be read at the " + (start == null ? "start" : "end") +
                " of the measured period");
        }
        final List<Series> out = new ArrayList<>();
        end.byTag().forEach((tag, after) ->
        {
            final Histogram window = after.copy();
            final Histogram before = start.byTag().get(tag);
            if (before != null)
            {
                window.subtract(before);
            }
            if (window.getTotalCount() > 0)
            {
                final Map<String, String> labels = labels(tag);
                out.add(new Series(labels.get(""), labels.getOrDefault("lane", ""), labels.getOrDefault("class", "?"),
                    window));
            }
        });
        final String problem = out.isEmpty() ? "the engine recorded no ACK in the measured period" : null;
        return new EngineLatency(out, timeline, problem, Double.NaN, Double.NaN);
    }

    /** @return {@code ack;class=auth} as {"": "ack", "class": "auth"}. */
    static Map<String, String> labels(final String tag)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        final String[] parts = tag.split(";");
        labels.put("", parts[0]);
        for (int i = 1; i < parts.length; i++)
        {
            final int eq = parts[i].indexOf('=');
            if (eq > 0)
            {
                labels.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return labels;
    }

    public List<Series> series()
    {
        return series;
    }

    /** @return the per-second ack p99, one point a second of the run (empty when not polled). */
    public List<Point> timeline()
    {
        return timeline;
    }

    /** @return why there are no figures, or null. */
    public String problem()
    {
        return problem;
    }

    /** @return when the window's first reading was taken, seconds since the run's start (NaN: unknown). */
    public double fromS()
    {
        return fromS;
    }

    /** @return when its last reading was taken, seconds since the run's start (NaN: unknown). */
    public double toS()
    {
        return toS;
    }

    private String readTimes()
    {
        return Double.isNaN(fromS) ? "" :
            String.format(Locale.ROOT, "; read at %.3f s and %.3f s of the run", fromS, toS);
    }

    /** @return frame read → ACK of class {@code kind} over the window (ns), or null when the engine acked none. */
    public Histogram ack(final String kind)
    {
        for (final Series s : series)
        {
            if (s.family().equals(ACK) && s.kind().equals(kind))
            {
                return s.window();
            }
        }
        return null;
    }

    /** @return hand-off → send of class {@code kind} over the window, every lane together (ns), or null when none. */
    public Histogram handoff(final String kind)
    {
        Histogram all = null;
        for (final Series s : series)
        {
            if (s.family().equals(HANDOFF) && s.kind().equals(kind))
            {
                if (all == null)
                {
                    all = s.window().copy();
                }
                else
                {
                    all.add(s.window());
                }
            }
        }
        return all;
    }

    /** The text report's block: one line per series, µs, like the client-side figures. */
    void print(final PrintStream out)
    {
        out.println();
        out.println("== engine side (µs; the measured period: /latency read at the end of the warm-up and after the " +
            "drain" + readTimes() + ")");
        if (problem != null)
        {
            out.println("(" + problem + ")");
            return;
        }
        for (final Series s : series)
        {
            final Histogram h = s.window();
            out.printf(Locale.ROOT,
                "%-18s %-20s %-13s n=%-9d p50 %9.1f  p90 %9.1f  p99 %9.1f  p99.9 %9.1f  max %10.1f%n",
                s.family().equals(ACK) ? "frame read -> ACK" : "hand-off -> send", s.lane().isEmpty() ? "-" : s.lane(),
                s.kind(), h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
        }
    }

    void json(final JsonWriter w)
    {
        w.name("engine_latency_us").beginObject();
        if (problem != null)
        {
            w.field("problem", problem);
        }
        if (!Double.isNaN(fromS))
        {
            w.field("from_s", fromS).field("to_s", toS);
        }
        for (final Series s : series)
        {
            w.name(s.key());
            latency(w, s.window());
        }
        w.endObject();
        w.name("engine_timeline").beginArray();
        for (final Point p : timeline)
        {
            w.beginObject().field("t_s", p.endS()).name("ack_p99_us").beginObject();
            for (int c = 0; c < MessageClasses.COUNT; c++)
            {
                if (p.ackP99NsByClass()[c] >= 0)
                {
                    w.field(MessageClasses.name(c), us(p.ackP99NsByClass()[c]));
                }
            }
            w.endObject().endObject();
        }
        w.endArray();
    }

    /** Writes {@code count p50 p90 p99 p999 max} in µs (0.1 µs resolution) of a window histogram in ns. */
    static void latency(final JsonWriter w, final Histogram ns)
    {
        w.beginObject().field("count", ns.getTotalCount())
            .field("p50", us(ns.getValueAtPercentile(50)))
            .field("p90", us(ns.getValueAtPercentile(90)))
            .field("p99", us(ns.getValueAtPercentile(99)))
            .field("p999", us(ns.getValueAtPercentile(99.9)))
            .field("max", us(ns.getMaxValue()))
            .endObject();
    }

    /** The HTML report's table: one row per series, µs. */
    void html(final StringBuilder b)
    {
        b.append("<h3>Engine side (measured period)</h3>\n");
        if (problem != null)
        {
            b.append("<p>").append(Html.escape(problem)).append("</p>\n");
            return;
        }
        b.append("<table><tr><th class=\"l\">span</th><th class=\"l\">lane</th><th class=\"l\">class</th>" +
            "<th>count</th>" +
            "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n");
        for (final Series s : series)
        {
            final Histogram h = s.window();
            b.append("<tr><td class=\"l\">").append(s.family().equals(ACK) ? "frame read → ACK" : "hand-off → send")
                .append("</td><td class=\"l\">").append(Html.escape(s.lane().isEmpty() ? "-" : s.lane()))
                .append("</td><td class=\"l\">").append(Html.escape(s.kind())).append("</td><td>")
                .append(h.getTotalCount()).append("</td>");
            for (final double p : PERCENTILES)
            {
                b.append("<td>").append(ProgressLine.formatMicros(Math.round(us(h.getValueAtPercentile(p)))))
                    .append("</td>");
            }
            b.append("<td>").append(ProgressLine.formatMicros(Math.round(us(h.getMaxValue())))).append("</td></tr>\n");
        }
        b.append("</table>\n<p class=\"note\">The engine's own part, from its /latency histograms read at the end of " +
            "the warm-up and after the drain" + Html.escape(readTimes()) + ": frame read → ACK is from the socket " +
            "read of a SUBMIT to its ACK queued for the session; hand-off → send from the ring handing the message to its lane to the lane's first send. " +
            "Client ack p99 well above the engine's puts the tail outside the engine's ring: its I/O threads waiting " +
            "for a CPU, the network, or the generator.</p>\n");
    }

    static double us(final long nanos)
    {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
