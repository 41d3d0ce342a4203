package io.dispatch.client.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of docs/directory.md and config/examples are valid import files. */
class DirectoryDocTest
{
    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));
    private static final Path DOC = ROOT.resolve("docs").resolve("directory.md");

    @TempDir
    Path dir;

    @Test
    void shouldAcceptTheCsvExample() throws IOException
    {
        assertThat(check("example.csv", block("csv"))).isEqualTo("  valid     3");
    }

    @Test
    void shouldAcceptTheNdjsonExample() throws IOException
    {
        assertThat(check("example.ndjson", block("json"))).isEqualTo("  valid     2");
    }

    @Test
    void shouldReportTheOneBadRowOfTheExampleMembersFile() throws IOException
    {
        // The README tour's file keeps one bad phone on purpose, to show how a bad row is reported.
        final Path file = ROOT.resolve("config/examples/members.csv");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = command(out, err).run("import", file.toString(), "--check");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
            .containsExactly("line 11: skipped: field 'phone' must be 1..32 digits with an optional leading +");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("  valid     9", "  skipped   1 bad rows (line 11)");
    }

    private String check(final String name, final String text) throws IOException
    {
        final Path file = Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = command(out, err).run("import", file.toString(), "--check");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().skip(1).findFirst().orElseThrow();
    }

    private static DirectoryCommand command(final ByteArrayOutputStream out, final ByteArrayOutputStream err)
    {
        return new DirectoryCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), System::nanoTime,
            false);
    }

    private static String block(final String language) throws IOException
    {
        final String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        final int start = doc.indexOf("```" + language + "\n") + language.length() + 4;
        return doc.substring(start, doc.indexOf("```", start));
    }
}
