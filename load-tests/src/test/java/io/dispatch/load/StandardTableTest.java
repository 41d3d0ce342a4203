package io.dispatch.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The medians table of scripts/loadtest-standard, from report.json files as the generator writes them. */
class StandardTableTest
{
    @TempDir
    Path dir;

    private void run(final String scenario, final int run, final double throughput, final long infoP99,
        final long promoP99) throws IOException
    {
        final JsonWriter w = new JsonWriter().beginObject().field("throughput_per_s", throughput);
        w.name("classes").beginObject();
        w.name("informational").beginObject();
        w.name("ack_latency_us").beginObject().field("p50", 500L).field("p99", infoP99).field("p999", 2 * infoP99).endObject();
        w.name("e2e_latency_us").beginObject().field("p50", 3_000L).field("p99", 9_000L).endObject();
        if (run != 2)
        {
            // the engine's figures of the measured period, µs with a decimal; run 2 read none (its median is of two)
            w.name("engine_ack_latency_us").beginObject().field("p50", 40.2).field("p99", 100.0 * run)
                .field("p999", 900.0).endObject();
            w.name("engine_handoff_latency_us").beginObject().field("p99", 2_500.4).endObject();
        }
        w.endObject();
        w.name("marketing").beginObject();
        w.name("ack_latency_us").beginObject().field("p50", 600L).field("p99", promoP99).field("p999", promoP99).endObject();
        w.name("e2e_latency_us").beginObject().field("p50", 4_000L).name("p99").nullValue().endObject();
        w.endObject().endObject();
        final Path d = dir.resolve(scenario).resolve("run-" + run);
        Files.createDirectories(d);
        Files.writeString(d.resolve("report.json"), w.endObject().toString());
    }

    private void sweep(final int run, final Double best) throws IOException
    {
        final JsonWriter w = new JsonWriter().beginObject().field("mode", "saturation").field("slo", "p99.ack<5ms");
        w.name("max_rate_meeting_slo");
        if (best == null)
        {
            w.nullValue();
        }
        else
        {
            w.value(best);
        }
        final Path d = dir.resolve("saturation").resolve("run-" + run);
        Files.createDirectories(d);
        Files.writeString(d.resolve("report.json"), w.endObject().toString());
    }

    @Test
    void shouldPrintTheMedianOfEachFigureAndEveryRunsThroughput() throws IOException
    {
        run("campaign", 1, 49_000, 20_000, 7_000);
        run("campaign", 2, 50_000, 1_000, 9_000);
        run("campaign", 3, 51_000, 3_000, 8_000);
        sweep(1, 120_000.0);
        sweep(2, null);
        sweep(3, 140_000.0);

        final String md = StandardTable.render(List.of(dir.resolve("campaign"), dir.resolve("saturation"),
            dir.resolve("missing")));

        assertThat(md).contains("| engine ack p50 | engine ack p99 | engine ack p99.9 | engine hand-off p99 |");
        assertThat(md).contains("| campaign | 3 | 50,000 | 49,000 · 50,000 · 51,000 | informational | 500µs | 3.00ms | " +
            "6.00ms | 3.00ms | 9.00ms | 40µs | 200µs | 900µs | 2.50ms |");
        assertThat(md).as("no engine figures: a dash").contains("|  |  |  |  | marketing | 600µs | 8.00ms | 8.00ms | " +
            "4.00ms | - | - | - | - | - |");
        assertThat(md).contains("| saturation | 3 | `p99.ack<5ms` | 130,000 msg/s | 120,000 · none · 140,000 |");
        assertThat(md).contains("| missing | 0 | (no report.json under");
        assertThat(StandardTable.median(new double[] {3, Double.NaN, 1, 2})).isEqualTo(2);
    }
}
