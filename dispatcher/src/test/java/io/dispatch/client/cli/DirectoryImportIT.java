package io.dispatch.client.cli;

import io.dispatch.Dispatcher;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/directory import end to end: the real command, the real client, a real engine with its journal. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectoryImportIT
{
    private static final int ROWS = 3000;

    @TempDir
    Path dir;

    private Dispatcher engine;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stopEngine() throws Exception
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    @Test
    void shouldImportGeneratedRowsSkippingBadOnesAndReportingEngineRejectionsByLine() throws Exception
    {
        engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
        final StringBuilder csv = new StringBuilder("id,gender,birth_year,region,tags,consent_sms,int:points\n");
        for (int i = 1; i <= ROWS; i++)
        {
            final int line = i + 1;
            if (line == 500 || line == 1777)
            {
                csv.append("bad").append(i).append(",Q,1990,서울,vip,ad,1\n");         // gender: skipped
            }
            else if (line == 2500)
            {
                csv.append("bad").append(i).append(",F,1990,\"서울\nmulti\",vip,maybe,1\n"); // consent: skipped
            }
            else
            {
                csv.append('u').append(i).append(',').append(i % 2 == 0 ? 'F' : 'M').append(',')
                    .append(1950 + i % 50).append(",\"서울, 구").append(i % 25).append("\",vip|seg").append(i % 7)
                    .append(',').append(i % 3 == 0 ? "ad+night" : "ad").append(',').append(i).append('\n');
            }
        }
        final Path file = Files.writeString(dir.resolve("members.csv"), csv.toString(), StandardCharsets.UTF_8);

        final int exit = run("import", file.toString(), "--batch", "256", "--progress", "none");

        assertThat(exit).as(stderr()).isEqualTo(1);
        assertThat(stderr().lines()).containsExactly(
            "line 500: skipped: field 'gender' must be F, M or X",
            "line 1777: skipped: field 'gender' must be F, M or X",
            "line 2500: skipped: consent_sms 'maybe' must be ad, ad+night, optout, none or empty");
        assertThat(stdout()).contains("3,000 rows read", "applied   2,997", "rejected  0", "skipped   3 bad rows");
    }

    @Test
    void shouldReportRowsTheEngineRejectsWithTheirLines() throws Exception
    {
        engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
        // A custom attribute's type is fixed by its first use in the tenant: "level" becomes STRING on line 1,
        // so the engine rejects the rows that send it as an integer; the client cannot know.
        final StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= 1000; i++)
        {
            ndjson.append("{\"id\":\"n").append(i).append("\",\"attributes\":{\"level\":")
                .append(i == 300 || i == 901 ? String.valueOf(i) : "\"gold\"").append("}}\n");
        }
        final Path file = Files.writeString(dir.resolve("members.ndjson"), ndjson.toString(), StandardCharsets.UTF_8);

        final int exit = run("import", file.toString(), "--batch", "100", "--in-flight", "2", "--progress", "none");

        assertThat(exit).isEqualTo(1);
        assertThat(stderr().lines()).hasSize(2).allMatch(l -> l.contains(": rejected: "));
        assertThat(stderr().lines().map(l -> l.substring(0, l.indexOf(':'))))
            .containsExactly("line 300", "line 901");
        assertThat(stdout()).contains("applied   998", "rejected  2 by the engine (lines 300, 901)");

        // Importing again is harmless: the same rows are applied and the same ones rejected.
        out.reset();
        err.reset();
        assertThat(run("import", file.toString(), "--progress", "none")).isEqualTo(1);
        assertThat(stdout()).contains("applied   998", "rejected  2 by the engine (lines 300, 901)");
    }

    @Test
    void shouldApplyOneOffFixes() throws Exception
    {
        engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine")));
        assertThat(run("upsert", "u1", "gender=F", "tags=vip", "consent_sms=ad")).as(stderr()).isEqualTo(0);
        assertThat(run("consent", "u1", "--channel", "sms", "--set", "night")).as(stderr()).isEqualTo(0);
        assertThat(run("opt-out", "0801234567", "01012345678")).as(stderr()).isEqualTo(0);
        assertThat(run("delete", "u1")).as(stderr()).isEqualTo(0);
        assertThat(stdout().lines()).containsExactly("applied", "applied", "applied", "applied");
    }

    private int run(final String... args)
    {
        final String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
            java.util.stream.Stream.of("--port", String.valueOf(engine.port()))).toArray(String[]::new);
        return new DirectoryCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), System::nanoTime,
            false).run(all);
    }

    private String stdout()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
