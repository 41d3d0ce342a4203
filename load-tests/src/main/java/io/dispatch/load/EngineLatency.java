package io.dispatch.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's own latency breakdown, read from its {@code /metrics} page ({@code --metrics-url}) before and after a
 * run: frame read → ACK per class ({@code dispatch_ack_latency_seconds}) and ring hand-off → first send per lane and
 * class ({@code dispatch_lane_handoff_latency_seconds}), shown beside the client-side figures so a slow ACK can be
 * placed in the engine, the network or the generator. The engine's summaries count since its start: the quantiles
 * describe this run alone only when the engine was fresh (no samples before the run); the counts are differenced.
 * <p>
 * <b>Threading:</b> immutable once built.
 */
public final class EngineLatency
{
    static final String ACK = "dispatch_ack_latency_seconds";
    static final String HANDOFF = "dispatch_lane_handoff_latency_seconds";
    private static final Pattern SAMPLE = Pattern.compile("^(" + ACK + "|" + HANDOFF + ")(_count)?\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final String[] QUANTILES = {"0.5", "0.9", "0.99", "0.999", "1.0"};

    /** One summary: {@code lane} is empty for the ack family; quantiles in seconds, in {@link #QUANTILES} order. */
    public record Series(String family, String lane, String kind, long count, long countBefore, double[] quantiles)
    {
        /** @return whether the quantiles cover only this run (the engine had no sample of the series before it). */
        public boolean runOnly()
        {
            return countBefore == 0;
        }
    }

    private final List<Series> series;
    private final String problem;

    private EngineLatency(final List<Series> series, final String problem)
    {
        this.series = series;
        this.problem = problem;
    }

    /** @return the page at {@code url}, or null after printing one line why not (a report without it is still useful). */
    static String scrape(final URI url, final PrintStream out)
    {
        try
        {
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200)
            {
                return r.body();
            }
            out.println("loadtest: --metrics-url " + url + " answered HTTP " + r.statusCode() + "; no engine-side figures");
        }
        catch (final IOException ex)
        {
            out.println("loadtest: cannot read --metrics-url " + url + " (" + ex + "); no engine-side figures");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** @param before the page before the run, or null; @param after the page after it, or null when unreadable. */
    static EngineLatency between(final String before, final String after)
    {
        if (after == null)
        {
            return new EngineLatency(List.of(), "the engine's /metrics could not be read after the run");
        }
        final Map<String, double[]> now = parse(after);
        final Map<String, double[]> then = before == null ? Map.of() : parse(before);
        final List<Series> out = new ArrayList<>();
        now.forEach((key, v) ->
        {
            final String[] k = key.split("\\|", -1);
            final double[] b = then.get(key);
            if (v[QUANTILES.length] > 0)
            {
                out.add(new Series(k[0], k[1], k[2], (long)v[QUANTILES.length], b == null ? 0 : (long)b[QUANTILES.length],
                    java.util.Arrays.copyOf(v, QUANTILES.length)));
            }
        });
        return new EngineLatency(out, out.isEmpty() ? "the engine's /metrics has no " + ACK + " samples" : null);
    }

    /** @return per "family|lane|class": the quantiles then the count. */
    static Map<String, double[]> parse(final String page)
    {
        final Map<String, double[]> out = new LinkedHashMap<>();
        for (final String line : page.split("\n"))
        {
            final Matcher m = SAMPLE.matcher(line);
            if (!m.matches())
            {
                continue;
            }
            final Map<String, String> labels = new LinkedHashMap<>();
            final Matcher l = LABEL.matcher(m.group(3));
            while (l.find())
            {
                labels.put(l.group(1), l.group(2));
            }
            final String key = m.group(1) + '|' + labels.getOrDefault("lane", "") + '|' + labels.getOrDefault("class", "");
            final double[] v = out.computeIfAbsent(key, x -> new double[QUANTILES.length + 1]);
            final double value = Double.parseDouble(m.group(4));
            if (m.group(2) != null)
            {
                v[QUANTILES.length] = value;
            }
            else
            {
                for (int i = 0; i < QUANTILES.length; i++)
                {
                    if (QUANTILES[i].equals(labels.get("quantile")))
                    {
                        v[i] = value;
                    }
                }
            }
        }
        return out;
    }

    public List<Series> series()
    {
        return series;
    }

    /** @return why there are no figures, or null. */
    public String problem()
    {
        return problem;
    }

    /** The text report's block: one line per series, microseconds, like the client-side figures. */
    void print(final PrintStream out)
    {
        out.println();
        out.println("== engine side (from /metrics; µs; quantiles since the engine started, counts of this run)");
        if (problem != null)
        {
            out.println("(" + problem + ")");
            return;
        }
        for (final Series s : series)
        {
            out.printf(Locale.ROOT, "%-22s %-16s %-13s n=%-9d p50 %9.1f  p90 %9.1f  p99 %9.1f  p99.9 %9.1f  max %10.1f%s%n",
                s.family().equals(ACK) ? "frame read -> ACK" : "hand-off -> send", s.lane().isEmpty() ? "-" : s.lane(),
                s.kind(), s.count() - s.countBefore(), s.quantiles()[0] * 1e6, s.quantiles()[1] * 1e6,
                s.quantiles()[2] * 1e6, s.quantiles()[3] * 1e6, s.quantiles()[4] * 1e6,
                s.runOnly() ? "" : " (includes " + s.countBefore() + " before this run)");
        }
    }

    void json(final JsonWriter w)
    {
        w.name("engine_latency_us").beginObject();
        if (problem != null)
        {
            w.field("problem", problem);
        }
        for (final Series s : series)
        {
            w.name((s.family().equals(ACK) ? "ack/" : "handoff/" + s.lane() + "/") + s.kind()).beginObject()
                .field("count", s.count() - s.countBefore())
                .field("since_start_count", s.count())
                .field("p50", s.quantiles()[0] * 1e6)
                .field("p90", s.quantiles()[1] * 1e6)
                .field("p99", s.quantiles()[2] * 1e6)
                .field("p999", s.quantiles()[3] * 1e6)
                .field("max", s.quantiles()[4] * 1e6)
                .endObject();
        }
        w.endObject();
    }
}
