package io.dispatch.bench.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JmhReportTest
{
    @Test
    void shouldReadPrimaryAndSecondaryMetricsWithParams() throws IOException
    {
        final List<ResultRow> rows = ResultRow.fromJmhJson(resource("a.json"));

        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo(new ResultRow("ring.RingJournalBenchmark.publishAndDrain",
            "fsync=none, ringSize=1024, waitStrategy=blocking", "thrpt", true, 1_000_000.0, 50_000.0, "ops/s"));
        assertThat(rows.get(1).benchmark()).isEqualTo("ring.RingJournalBenchmark.publishAndDrain:ringFullRetries");
        assertThat(rows.get(1).primary()).isFalse();
        assertThat(rows.get(1).error()).isNaN();
    }

    @Test
    void shouldWriteOneMarkdownRowPerMetric() throws IOException
    {
        final String md = JmhReport.markdown(ResultRow.fromJmhJson(resource("a.json")));

        assertThat(md.lines()).hasSize(6);
        assertThat(md).startsWith("| Benchmark | Params | Mode | Score | Error | Units |\n");
        assertThat(md).contains("| ring.RingJournalBenchmark.publishAndDrain | fsync=none, ringSize=1024, "
            + "waitStrategy=blocking | thrpt | 1,000,000 | ± 50,000 | ops/s |");
        assertThat(md).contains("| protocol.SubmitCodecBenchmark.wrapAndValidate | message=template | avgt | 40.0 | ± 1.00 | ns/op |");
        assertThat(md).contains("| 12.0 | n/a | # |");
    }

    @Test
    void shouldCompareMatchingRowsAndListTheRest() throws IOException
    {
        final String cmp = JmhReport.compare(
            ResultRow.fromJmhJson(resource("a.json")), ResultRow.fromJmhJson(resource("b.json")));

        assertThat(cmp).contains("| ring.RingJournalBenchmark.publishAndDrain | fsync=none, ringSize=1024, "
            + "waitStrategy=blocking | ops/s | 1,000,000 | 2,000,000 | 2.00 | better |");
        assertThat(cmp).contains("| ring.RingJournalBenchmark.publishAndDrain:ringFullRetries | "
            + "fsync=none, ringSize=1024, waitStrategy=blocking | # | 12.0 | 3.00 | 0.25 |  |");
        assertThat(cmp).contains("| protocol.SubmitCodecBenchmark.wrapAndValidate | message=template | ns/op | 40.0 | 41.0 | 1.03 | ~ |");
        assertThat(cmp).contains("* only in A: policy.DedupIndexBenchmark.findHit [keys=100000]");
        assertThat(cmp).contains("* only in B: protocol.SubmitCodecBenchmark.encode [message=text \"160\"\u00e9]");
        assertThat(cmp.lines().filter(l -> l.startsWith("* only in"))).hasSize(2);
    }

    @Test
    void shouldCallLowerTimeBetterAndHigherTimeWorse()
    {
        final ResultRow a = new ResultRow("x", "", "avgt", true, 100, 1, "ns/op");

        assertThat(JmhReport.verdict(a, new ResultRow("x", "", "avgt", true, 50, 1, "ns/op"))).isEqualTo("better");
        assertThat(JmhReport.verdict(a, new ResultRow("x", "", "avgt", true, 150, 1, "ns/op"))).isEqualTo("worse");
    }

    @Test
    void shouldRejectTextThatIsNotAJmhResult()
    {
        assertThatThrownBy(() -> ResultRow.fromJmhJson("{\"benchmark\": 1}"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON array");
        assertThatThrownBy(() -> ResultRow.fromJmhJson("[{\"benchmark\": \"x\"]"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 19");
    }

    @Test
    void shouldFormatScoresWithDigitsToMatchTheirSize()
    {
        assertThat(JmhReport.format(1_234_567.8)).isEqualTo("1,234,568");
        assertThat(JmhReport.format(123.45)).isEqualTo("123.5");
        assertThat(JmhReport.format(1.5)).isEqualTo("1.50");
        assertThat(JmhReport.format(0.0123)).isEqualTo("0.012");
        assertThat(JmhReport.format(0)).isEqualTo("0.00");
    }

    private static String resource(final String name) throws IOException
    {
        try (InputStream in = JmhReportTest.class.getResourceAsStream(name))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
