package io.dispatch.client.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code scripts/directory import --check} on fuzzed files, CSV (first input byte even) or NDJSON (odd): the
 * whole import path (UTF-8 decoding, CSV/NDJSON records, profile encoding, op validation) must end with an
 * exit code and a report, never an exception (the command prints no stack traces: one escaping run() would be
 * the only way to show one). In package {@code cli} (not {@code fuzz})
 * because the command's constructor is package-private.
 */
class ImportFuzzTest
{
    @FuzzTest(maxDuration = "60s")
    void importCheck(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        final String format = (input[0] & 1) == 0 ? "csv" : "ndjson";
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = new DirectoryCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(Arrays.copyOfRange(input, 1, input.length)), System::nanoTime, false)
            .run("import", "-", "--format", format, "--check", "--progress", "none");
        if (exit < DirectoryCommand.EXIT_OK || exit > DirectoryCommand.EXIT_USAGE)
        {
            throw new AssertionError("exit " + exit + ", stderr:\n" + err.toString(StandardCharsets.UTF_8));
        }
    }
}
