package io.dispatch.client.cli;

import io.dispatch.Dispatcher;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent export after real {@code scripts/directory} imports and fixes: each import row that changes consent is
 * a row with the import's file as evidence, importing the same file again adds none, and the export is the same
 * after a restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsentLedgerImportIT
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldExportTheConsentEachImportAndFixChangedWithItsSourceInOrder() throws Exception
    {
        final Path data = dir.resolve("engine");
        final Path spring = Files.writeString(dir.resolve("spring.csv"),
            "id,region,consent_sms\nu1,seoul,ad\nu2,busan,optout\n");
        final Path summer = Files.writeString(dir.resolve("summer.csv"), "id,region,consent_sms\nu1,seoul,none\n");
        final List<String> expected = List.of(
            "u1,sms,ad,grant,UPSERT,import:spring.csv",
            "u2,sms,opted_out,opt_out,UPSERT,import:spring.csv",
            "u1,sms,night_ad,grant,CONSENT,call 2026-12-01",
            "u1,sms,ad,withdraw,UPSERT,import:summer.csv",
            "u1,sms,night_ad,withdraw,UPSERT,import:summer.csv");
        final String exported;
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(data)))
        {
            assertThat(run(engine, "import", spring.toString())).as(stderr()).isZero();
            assertThat(run(engine, "import", spring.toString())).as("the same file again").isZero();
            assertThat(run(engine, "consent", "u1", "--channel", "sms", "--set", "night", "--source", "call 2026-12-01"))
                .as(stderr()).isZero();
            assertThat(run(engine, "import", summer.toString())).as(stderr()).isZero();

            exported = AdminHttp.get(engine.adminPort(), data, "/tenants/demo/consent").body();
            assertThat(rows(exported)).containsExactlyElementsOf(expected);
        }
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(data)))
        {
            assertThat(AdminHttp.get(engine.adminPort(), data, "/tenants/demo/consent").body()).isEqualTo(exported);
        }
    }

    /** recipient,channel,purpose,action,via,source of each CSV row (none of these sources needs quoting). */
    private static List<String> rows(final String csv)
    {
        return csv.lines().skip(1).map(line ->
        {
            final String[] f = line.split(",");
            return String.join(",", f[2], f[4], f[5], f[6], f[8], f[9]);
        }).toList();
    }

    private int run(final Dispatcher engine, final String... args)
    {
        final String[] all = Stream.concat(Arrays.stream(args), Stream.of("--port", String.valueOf(engine.port())))
            .toArray(String[]::new);
        return new DirectoryCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), System::nanoTime,
            false).run(all);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
