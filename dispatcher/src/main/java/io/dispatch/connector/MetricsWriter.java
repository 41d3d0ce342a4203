package io.dispatch.connector;

/**
 * Where a connector writes its own metrics for the admin endpoint's {@code GET /metrics} (Prometheus
 * text format). Every sample gets the lane and connector labels; names get the prefix
 * {@code dispatch_connector_}, so a connector writes {@code sent_total}, not the full name. Samples of the
 * same name from several connectors are grouped into one family by the writer.
 * <p>
 * Called on the admin thread only; not thread-safe.
 */
public interface MetricsWriter
{
    /**
     * A cumulative count; its name ends with {@code _total} (else the connector's scrape counts as a metrics error).
     *
     * @param labels extra label name/value pairs, e.g. {@code "reason", "UNREGISTERED"}; values are names, not codes.
     */
    void counter(String name, String help, long value, String... labels);

    void gauge(String name, String help, double value, String... labels);

    /**
     * A Prometheus summary: one sample per quantile, then {@code _count} and {@code _sum}.
     *
     * @param quantiles e.g. {0.5, 0.99}; {@code values} holds the value at each.
     */
    void summary(String name, String help, double[] quantiles, double[] values, long count, double sum, String... labels);

    /** @return a writer that labels samples with another connector name (a router's providers). */
    MetricsWriter forConnector(String connector);
}
