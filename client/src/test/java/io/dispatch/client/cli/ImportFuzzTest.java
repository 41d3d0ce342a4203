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
 * exit code and a report, never an exception or a stack trace. In package {@code cli} (not {@code fuzz})
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
        final String stderr = err.toString(StandardCharsets.UTF_8);
        if (exit < DirectoryCommand.EXIT_OK || exit > DirectoryCommand.EXIT_USAGE || stderr.contains("\tat "))
        {
            throw new AssertionError("exit " + exit + ", stderr:\n" + stderr);
        }
    }
}
