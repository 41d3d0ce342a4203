package io.dispatch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the {@code scripts/hash-key} command in-process, as a pipe would (no terminal). */
public final class HashKeyRunner
{
    private HashKeyRunner()
    {
    }

    /** @return the lines the command printed; fails unless it exits 0 with nothing on stderr. */
    public static List<String> run(final String stdin, final String... args)
    {
        final Result r = runForResult(stdin, args);
        if (r.code != 0 || !r.err.isEmpty())
        {
            throw new AssertionError("hash-key exited " + r.code + ": " + r.err);
        }
        return r.out.lines().toList();
    }

    static Result runForResult(final String stdin, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = HashKeyMain.run(args, null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int code, String out, String err)
    {
    }
}
