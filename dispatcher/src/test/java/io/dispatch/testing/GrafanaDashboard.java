package io.dispatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What docs/grafana-dashboard.json queries, so tests can hold it to the metric names the engine serves. */
public final class GrafanaDashboard
{
    /** Prometheus names may hold digits (dispatch_e2e_latency_seconds). */
    private static final Pattern METRIC = Pattern.compile("dispatch_[a-z0-9_]*[a-z0-9]");

    private GrafanaDashboard()
    {
    }

    /** @return the metric families the dashboard's queries name ({@code _sum} and {@code _count} as their family). */
    public static Set<String> metricFamilies() throws IOException
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final Matcher m = METRIC.matcher(Files.readString(root.resolve("docs/grafana-dashboard.json")));
        final Set<String> names = new TreeSet<>();
        while (m.find())
        {
            names.add(m.group().replaceAll("_(sum|count)$", ""));
        }
        return names;
    }
}
