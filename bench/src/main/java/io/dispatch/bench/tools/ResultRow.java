package io.dispatch.bench.tools;

import io.dispatch.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One score of a JMH run: a benchmark's primary metric, or one of its secondary metrics (profiler or
 * aux-counter output, named {@code method:metric}). Immutable.
 *
 * @param benchmark benchmark name without the {@code io.dispatch.bench.} prefix.
 * @param params    {@code name=value} pairs in JMH's order, comma separated; empty when none.
 * @param mode      JMH mode: thrpt, avgt, sample, ss.
 * @param primary   false for a secondary metric.
 * @param error     half-width of the 99.9% confidence interval; NaN when JMH had too few samples.
 */
record ResultRow(String benchmark, String params, String mode, boolean primary, double score, double error, String unit)
{
    private static final String PREFIX = "io.dispatch.bench.";

    /** What rows of two runs are matched on. */
    String key()
    {
        return benchmark + " [" + params + "]";
    }

    /** @return true when a higher score is better; only known for primary metrics. */
    boolean higherIsBetter()
    {
        return "thrpt".equals(mode);
    }

    /** Reads every primary and secondary metric of a JMH JSON result (the {@code -rf json} output). */
    @SuppressWarnings("unchecked")
    static List<ResultRow> fromJmhJson(final String json)
    {
        final Object root = Json.parse(json);
        if (!(root instanceof List))
        {
            throw new IllegalArgumentException("not a JMH result: expected a JSON array of benchmarks");
        }
        final List<ResultRow> rows = new ArrayList<>();
        for (final Object o : (List<Object>)root)
        {
            final Map<String, Object> entry = (Map<String, Object>)o;
            String name = (String)entry.get("benchmark");
            if (name.startsWith(PREFIX))
            {
                name = name.substring(PREFIX.length());
            }
            final String mode = (String)entry.get("mode");
            final String params = params((Map<String, Object>)entry.get("params"));
            rows.add(row(name, params, mode, true, (Map<String, Object>)entry.get("primaryMetric")));
            final Map<String, Object> secondary = (Map<String, Object>)entry.get("secondaryMetrics");
            if (secondary != null)
            {
                for (final Map.Entry<String, Object> m : secondary.entrySet())
                {
                    rows.add(row(name + ":" + m.getKey(), params, mode, false, (Map<String, Object>)m.getValue()));
                }
            }
        }
        return rows;
    }

    private static ResultRow row(
        final String name, final String params, final String mode, final boolean primary, final Map<String, Object> metric)
    {
        return new ResultRow(name, params, mode, primary, number(metric.get("score")), number(metric.get("scoreError")),
            (String)metric.get("scoreUnit"));
    }

    private static String params(final Map<String, Object> params)
    {
        final StringJoiner joiner = new StringJoiner(", ");
        if (params != null)
        {
            params.forEach((k, v) -> joiner.add(k + "=" + v));
        }
        return joiner.toString();
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(final Object value)
    {
        if (value instanceof Number n)
        {
            return n.doubleValue();
        }
        return value == null ? Double.NaN : Double.parseDouble(value.toString());
    }
}
