package io.dispatch.testing;

import io.dispatch.testing.PrometheusTextParser.Family;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict parser MetricsExpositionIT relies on refuses each thing /metrics must not do. */
class PrometheusTextParserTest
{
    @Test
    void shouldReadFamiliesWithLabelsEscapesAndASummary()
    {
        final Map<String, Family> f = PrometheusTextParser.parse(
            "# HELP a_total things\n# TYPE a_total counter\na_total{lane=\"x\\\"y\\\\z\\n\"} 3\na_total{lane=\"b\",} 4 1700000000\n"
            + "# HELP l latency\n# TYPE l summary\nl{quantile=\"0.5\"} 0.1\nl_count 2\nl_sum 0.3\n"
            + "# HELP g a gauge\n# TYPE g gauge\ng NaN\n# HELP e_total nothing yet\n# TYPE e_total counter\n");
        assertThat(f).containsOnlyKeys("a_total", "l", "g", "e_total");
        assertThat(f.get("a_total").samples().get(0).labels()).containsEntry("lane", "x\"y\\z\n");
        assertThat(f.get("l").samples()).hasSize(3);
    }

    @Test
    void shouldRefuseAnUndeclaredOrSplitFamily()
    {
        bad("# HELP a h\n# TYPE a gauge\na{lane=\"x\"} 1\nb{lane=\"x\"} 2\n", "sample b is not in the family declared before it");
        bad("# HELP a h\n# TYPE a gauge\na 1\n# HELP b h\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", "split family");
        bad("# HELP a h\n# TYPE a gauge\na 1\n# HELP b h\n# TYPE b gauge\nb 1\n# TYPE a gauge\n", "declared again");
    }

    @Test
    void shouldRefuseAFamilyWithoutHelpOrTypeAndACounterNotNamedTotal()
    {
        bad("# TYPE a gauge\na 1\n", "no HELP");
        bad("# HELP a h\na 1\n", "no TYPE");
        bad("# HELP a h\n# TYPE a counter\na 1\n", "not named _total");
        bad("# HELP a h\n# TYPE a meter\n", "unknown type");
    }

    @Test
    void shouldRefuseBadSyntax()
    {
        bad("# HELP a h\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n", "repeated series");
        bad("# HELP a h\n# TYPE a gauge\na{x=\"\\t\"} 1\n", "bad escape");
        bad("# HELP a h\n# TYPE a gauge\na{x=1} 1\n", "not quoted");
        bad("# HELP a h\n# TYPE a gauge\na one\n", "bad value");
        bad("# HELP a h\n# TYPE a gauge\na 1", "does not end with");
        bad("# HELP 1a h\n", "bad metric name");
    }

    private static void bad(final String text, final String problem)
    {
        assertThatThrownBy(() -> PrometheusTextParser.parse(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(problem);
    }
}
