package io.dispatch.status;

/**
 * Helpers for the Prometheus text exposition format 0.0.4 that {@code GET /metrics} serves: every family starts
 * with its {@code # HELP} and {@code # TYPE} lines and its samples follow together, since a parser that meets a
 * family's name again after another family treats the second group as an error. Cumulative counts are
 * {@code counter} families named {@code _total}; labels carry names (a lane, a reason), never numeric codes.
 * See docs/monitoring.md "Metrics".
 */
public final class PrometheusText
{
    private PrometheusText()
    {
    }

    /** Appends a family's {@code # HELP} and {@code # TYPE} lines; its samples must come next, all of them. */
    public static StringBuilder family(final StringBuilder sb, final String name, final String type, final String help)
    {
        return sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Appends an unlabelled sample. */
    public static StringBuilder sample(final StringBuilder sb, final String name, final long value)
    {
        return sb.append(name).append(' ').append(value).append('\n');
    }

    /** @return a label value with backslash, double quote and newline escaped. */
    public static String escape(final String value)
    {
        if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0)
        {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
