package io.dispatch.connector.runtime;

import io.dispatch.connector.Connector;
import io.dispatch.connector.MetricsWriter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects what the connectors write through {@link MetricsWriter} and renders it as Prometheus text,
 * one family per metric name with its HELP and TYPE once (the format wants a family's samples together,
 * while connectors write connector by connector). Built per scrape on the admin thread; not thread-safe.
 */
public final class ConnectorMetricFamilies
{
    static final String PREFIX = "dispatch_connector_";

    private record Family(String type, String help, StringBuilder samples)
    {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /**
     * Lets the lane's connector write its series, labelled {@code lane} and {@code connector}; a connector
     * that throws loses its own series for this scrape, never the whole page.
     */
    public void collect(final String lane, final String connectorType, final Connector connector)
    {
        final Scope scope = new Scope(lane, connectorType);
        try
        {
            connector.writeMetrics(scope);
        }
        catch (final RuntimeException ex)
        {
            scope.counter("metrics_errors_total", "scrapes in which the connector failed to write its metrics", 1);
        }
    }

    public void appendTo(final StringBuilder sb)
    {
        families.forEach((name, f) ->
        {
            sb.append("# HELP ").append(name).append(' ').append(f.help()).append('\n');
            sb.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            sb.append(f.samples());
        });
    }

    private StringBuilder family(final String name, final String type, final String help)
    {
        return families.computeIfAbsent(name, n -> new Family(type, help, new StringBuilder())).samples();
    }

    /** A writer bound to one lane and connector label. */
    private final class Scope implements MetricsWriter
    {
        private final String lane;
        private final String labels;

        Scope(final String lane, final String connector)
        {
            this.lane = lane;
            this.labels = "lane=\"" + escape(lane) + "\",connector=\"" + escape(connector) + "\"";
        }

        @Override
        public void counter(final String name, final String help, final long value, final String... extra)
        {
            if (!name.endsWith("_total"))
            {
                // a cumulative count without the suffix reads as a gauge to Prometheus tooling (rate() warnings)
                throw new IllegalArgumentException("a counter's name ends with _total: " + name);
            }
            sample(family(PREFIX + name, "counter", help), PREFIX + name, extra, null, 0).append(value).append('\n');
        }

        @Override
        public void gauge(final String name, final String help, final double value, final String... extra)
        {
            sample(family(PREFIX + name, "gauge", help), PREFIX + name, extra, null, 0).append(value).append('\n');
        }

        @Override
        public void summary(
            final String name, final String help, final double[] quantiles, final double[] values, final long count,
            final double sum, final String... extra)
        {
            final String full = PREFIX + name;
            final StringBuilder sb = family(full, "summary", help);
            for (int i = 0; i < quantiles.length; i++)
            {
                sample(sb, full, extra, "quantile", quantiles[i]).append(values[i]).append('\n');
            }
            sample(sb, full + "_count", extra, null, 0).append(count).append('\n');
            sample(sb, full + "_sum", extra, null, 0).append(sum).append('\n');
        }

        @Override
        public MetricsWriter forConnector(final String connector)
        {
            return new Scope(lane, connector);
        }

        private StringBuilder sample(
            final StringBuilder sb, final String name, final String[] extra, final String quantileLabel, final double quantile)
        {
            if (extra.length % 2 != 0)
            {
                throw new IllegalArgumentException("labels come in name/value pairs: " + name);
            }
            sb.append(name).append('{').append(labels);
            for (int i = 0; i < extra.length; i += 2)
            {
                sb.append(',').append(extra[i]).append("=\"").append(escape(extra[i + 1])).append('"');
            }
            if (quantileLabel != null)
            {
                sb.append(',').append(quantileLabel).append("=\"").append(quantile).append('"');
            }
            return sb.append("} ");
        }
    }

    /** Label values escape backslash, quote and newline (Prometheus text format). */
    static String escape(final String value)
    {
        if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0)
        {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
