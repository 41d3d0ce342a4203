package io.dispatch.load.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small line chart rendered as inline SVG, so the HTML report is one file that opens anywhere with no
 * network and no script. Axes are linear, log10, or the "percentile" axis HdrHistogram users know: x is
 * {@code log10(1 / (1 - p))}, so 90 %, 99 %, 99.9 % ... are evenly spaced and the tail gets the room.
 * <p>
 * <b>Threading:</b> not thread-safe; build, render, discard.
 */
public final class SvgChart
{
    /** How an axis maps values to pixels. */
    public enum Scale
    {
        LINEAR, LOG, PERCENTILE
    }

    /** Colours that stay distinguishable for common colour-vision deficiencies (Okabe-Ito). */
    public static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

    private static final int WIDTH = 760;
    private static final int HEIGHT = 340;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;
    /** The percentile axis stops here: beyond it a histogram has too few samples to plot. */
    private static final double MAX_PERCENTILE = 99.9999;

    private record Series(String name, double[] x, double[] y, String color, boolean dashed, boolean markers) { }

    private record Band(double from, double to, String label) { }

    private record Rule(double y, String label) { }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Scale xScale;
    private final Scale yScale;
    private final DoubleFunction<String> xFormat;
    private final DoubleFunction<String> yFormat;
    private final List<Series> series = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();

    public SvgChart(final String title, final String xLabel, final Scale xScale, final DoubleFunction<String> xFormat,
        final String yLabel, final Scale yScale, final DoubleFunction<String> yFormat)
    {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xScale = xScale;
        this.yScale = yScale;
        this.xFormat = xFormat;
        this.yFormat = yFormat;
    }

    /** Adds a line; points with a NaN or (on a log axis) non-positive value are skipped, breaking the line. */
    public SvgChart line(final String name, final double[] x, final double[] y, final boolean dashed, final boolean markers)
    {
        return line(name, x, y, dashed, markers, series.size());
    }

    /** @param colour index into {@link #PALETTE}, so related lines (one class's ack and e2e) share a colour. */
    public SvgChart line(final String name, final double[] x, final double[] y, final boolean dashed,
        final boolean markers, final int colour)
    {
        series.add(new Series(name, x, y, PALETTE[colour % PALETTE.length], dashed, markers));
        return this;
    }

    /** Shades an x range, e.g. the warm-up. */
    public SvgChart band(final double from, final double to, final String label)
    {
        bands.add(new Band(from, to, label));
        return this;
    }

    /** A horizontal reference line, e.g. an SLO threshold. */
    public SvgChart rule(final double y, final String label)
    {
        rules.add(new Rule(y, label));
        return this;
    }

    public int seriesCount()
    {
        return series.size();
    }

    public String render()
    {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x.length; i++)
            {
                if (usable(s.x[i], xScale) && usable(s.y[i], yScale))
                {
                    xMin = Math.min(xMin, t(s.x[i], xScale));
                    xMax = Math.max(xMax, t(s.x[i], xScale));
                    yMin = Math.min(yMin, t(s.y[i], yScale));
                    yMax = Math.max(yMax, t(s.y[i], yScale));
                }
            }
        }
        for (final Rule r : rules)
        {
            if (usable(r.y, yScale))
            {
                yMin = Math.min(yMin, t(r.y, yScale));
                yMax = Math.max(yMax, t(r.y, yScale));
            }
        }
        final StringBuilder svg = new StringBuilder(16_384);
        svg.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
            "font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        svg.append(text(LEFT, 18, title, "start", "font-size=\"13\" font-weight=\"bold\""));
        if (xMin == Double.POSITIVE_INFINITY)
        {
            svg.append(text(WIDTH / 2.0, HEIGHT / 2.0, "no data", "middle", "fill=\"#888\"")).append("</svg>\n");
            return svg.toString();
        }
        for (final Band b : bands)
        {
            // The shaded range belongs in view even before the first point (the warm-up's first interval).
            xMin = Math.min(xMin, t(b.from, xScale));
        }
        if (yScale == Scale.LINEAR)
        {
            yMin = Math.min(0, yMin);
        }
        if (xMax - xMin < 1e-9)
        {
            xMax = xMin + 1;
        }
        if (yMax - yMin < 1e-9)
        {
            yMax = yMin + 1;
        }
        if (yScale == Scale.LOG)
        {
            yMin = Math.floor(yMin);
            yMax = Math.ceil(yMax);
        }
        else
        {
            yMax += (yMax - yMin) * 0.05;
        }
        final Frame f = new Frame(xMin, xMax, yMin, yMax);
        for (final Band b : bands)
        {
            final double x0 = f.px(Math.max(xMin, t(b.from, xScale)));
            final double x1 = f.px(Math.min(xMax, t(b.to, xScale)));
            if (x1 > x0)
            {
                svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eee\"/>%n", x0, TOP, x1 - x0,
                    HEIGHT - TOP - BOTTOM));
                svg.append(text(x0 + 3, TOP + 12, b.label, "start", "fill=\"#777\""));
            }
        }
        axes(svg, f);
        for (final Rule r : rules)
        {
            if (usable(r.y, yScale))
            {
                final double y = f.py(t(r.y, yScale));
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" " +
                    "stroke=\"#c00\" stroke-dasharray=\"2,3\"/>%n", LEFT, y, WIDTH - RIGHT, y));
                svg.append(text(WIDTH - RIGHT - 3, y - 3, r.label, "end", "fill=\"#c00\""));
            }
        }
        for (int i = 0; i < series.size(); i++)
        {
            plot(svg, f, series.get(i));
            legend(svg, i, series.get(i));
        }
        return svg.append("</svg>\n").toString();
    }

    private void plot(final StringBuilder svg, final Frame f, final Series s)
    {
        final StringBuilder path = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < s.x.length; i++)
        {
            if (!usable(s.x[i], xScale) || !usable(s.y[i], yScale))
            {
                pen = false;
                continue;
            }
            path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f,%.1f",
                f.px(t(s.x[i], xScale)), f.py(t(s.y[i], yScale))));
            pen = true;
            final boolean isolated = (i == 0 || !usable(s.x[i - 1], xScale) || !usable(s.y[i - 1], yScale)) &&
                (i == s.x.length - 1 || !usable(s.x[i + 1], xScale) || !usable(s.y[i + 1], yScale));
            if (s.markers || isolated)
            {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                    f.px(t(s.x[i], xScale)), f.py(t(s.y[i], yScale)), s.color));
            }
        }
        svg.append("<path fill=\"none\" stroke-width=\"1.8\" stroke=\"").append(s.color).append('"')
            .append(s.dashed ? " stroke-dasharray=\"6,3\"" : "").append(" d=\"").append(path.toString().trim())
            .append("\"><title>").append(Html.escape(s.name)).append("</title></path>\n");
    }

    private void legend(final StringBuilder svg, final int i, final Series s)
    {
        final int x = WIDTH - RIGHT + 12;
        final int y = TOP + 10 + i * 16;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " +
            "stroke-width=\"2\"%s/>%n", x, y - 4, x + 22, y - 4, s.color, s.dashed ? " stroke-dasharray=\"6,3\"" : ""));
        svg.append(text(x + 27, y, s.name, "start", ""));
    }

    private void axes(final StringBuilder svg, final Frame f)
    {
        final int bottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " +
            "stroke=\"#999\"/>%n", LEFT, TOP, WIDTH - LEFT - RIGHT, bottom - TOP));
        for (final double v : ticks(f.xMin, f.xMax, xScale))
        {
            final double x = f.px(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n",
                x, TOP, x, bottom));
            svg.append(text(x, bottom + 14, label(v, xScale, xFormat), "middle", ""));
        }
        for (final double v : ticks(f.yMin, f.yMax, yScale))
        {
            final double y = f.py(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n",
                LEFT, y, WIDTH - RIGHT, y));
            svg.append(text(LEFT - 5, y + 4, label(v, yScale, yFormat), "end", ""));
        }
        svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 8, xLabel, "middle", ""));
        svg.append(String.format(Locale.ROOT,
            "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">%s</text>%n",
            TOP + (bottom - TOP) / 2.0, TOP + (bottom - TOP) / 2.0, Html.escape(yLabel)));
    }

    private static String label(final double transformed, final Scale scale, final DoubleFunction<String> format)
    {
        if (scale == Scale.PERCENTILE)
        {
            final double p = 100 - 100 / Math.pow(10, transformed);
            return new java.math.BigDecimal(p).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + "%";
        }
        return format.apply(scale == Scale.LOG ? Math.pow(10, transformed) : transformed);
    }

    /** @return tick positions in transformed units. */
    private static List<Double> ticks(final double min, final double max, final Scale scale)
    {
        final List<Double> ticks = new ArrayList<>();
        if (scale != Scale.LINEAR)
        {
            for (double v = Math.ceil(min - 1e-9); v <= max + 1e-9; v++)
            {
                ticks.add(v);
            }
            if (ticks.size() >= 2 || scale == Scale.PERCENTILE)
            {
                return ticks;
            }
            ticks.clear();
        }
        final double raw = (max - min) / 6;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        final double step = raw / magnitude < 1.5 ? magnitude : raw / magnitude < 3.5 ? 2 * magnitude :
            raw / magnitude < 7.5 ? 5 * magnitude : 10 * magnitude;
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-6; v += step)
        {
            ticks.add(v);
        }
        return ticks;
    }

    private static boolean usable(final double v, final Scale scale)
    {
        if (Double.isNaN(v) || Double.isInfinite(v))
        {
            return false;
        }
        return scale != Scale.LOG || v > 0;
    }

    /** @return {@code v} in the axis' transformed units. */
    private static double t(final double v, final Scale scale)
    {
        switch (scale)
        {
            case LOG: return Math.log10(v);
            case PERCENTILE: return Math.log10(1 / (1 - Math.min(v, MAX_PERCENTILE) / 100));
            default: return v;
        }
    }

    private static String text(final double x, final double y, final String s, final String anchor, final String attrs)
    {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
            x, y, anchor, attrs, Html.escape(s));
    }

    private record Frame(double xMin, double xMax, double yMin, double yMax)
    {
        double px(final double v)
        {
            return LEFT + (v - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double py(final double v)
        {
            return HEIGHT - BOTTOM - (v - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }
    }
}
