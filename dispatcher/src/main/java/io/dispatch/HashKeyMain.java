package io.dispatch;

import io.dispatch.config.ApiKey;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** {@code scripts/hash-key}: prints the salted hash of an API key, to configure instead of the key itself. */
public final class HashKeyMain
{
    static final String USAGE = String.join(System.lineSeparator(),
        "usage: scripts/hash-key [--generate] [--iterations N]",
        "",
        "Prints the salted PBKDF2 hash of an API key for tenant.<name>.apiKey or tenant.<name>.apiKeyNext",
        "(docs/security.md). The key is read from the terminal without echo, or from the first line of",
        "standard input (never from the command line, where other users could see it).",
        "",
        "  --generate       make a new random key instead: prints the key, then its hash, one per line",
        "  --iterations N   PBKDF2 rounds, " + ApiKey.MIN_ITERATIONS + ".." + ApiKey.MAX_ITERATIONS + " (default " +
            ApiKey.DEFAULT_ITERATIONS + "); each check of a new key by the engine costs this many",
        "  --help           this text");
    /** A HELLO carries the key as a str8. */
    private static final int MAX_KEY_BYTES = 255;

    private HashKeyMain()
    {
    }

    public static void main(final String[] args)
    {
        final int code = run(args, System.console(), System.in, System.out, System.err);
        if (code != 0)
        {
            System.exit(code);
        }
    }

    /** @return the exit code: 0, or 2 for a usage error. */
    static int run(
        final String[] args, final Console console, final InputStream in, final PrintStream out, final PrintStream err)
    {
        int iterations = ApiKey.DEFAULT_ITERATIONS;
        boolean generate = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--generate":
                    generate = true;
                    break;
                case "--iterations":
                    if (i + 1 == args.length)
                    {
                        return usage(err, "--iterations needs a value");
                    }
                    try
                    {
                        iterations = Integer.parseInt(args[++i].replace("_", ""));
                    }
                    catch (final NumberFormatException ex)
                    {
                        return usage(err, "--iterations '" + args[i] + "' is not a whole number");
                    }
                    if (iterations < ApiKey.MIN_ITERATIONS || iterations > ApiKey.MAX_ITERATIONS)
                    {
                        return usage(err, "--iterations " + iterations + " is outside [" + ApiKey.MIN_ITERATIONS +
                            ", " + ApiKey.MAX_ITERATIONS + "]");
                    }
                    break;
                case "--help":
                    out.println(USAGE);
                    return 0;
                default:
                    return usage(err, "unknown option " + args[i]);
            }
        }
        final SecureRandom random = new SecureRandom();
        final String key;
        if (generate)
        {
            final byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            out.println(key);
        }
        else
        {
            try
            {
                key = console != null ? readConsole(console) : firstLine(in);
            }
            catch (final IOException ex)
            {
                err.println("error: cannot read the key: " + ex.getMessage());
                return 2;
            }
            if (key == null || key.isEmpty())
            {
                return usage(err, "no key given on standard input");
            }
            if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES)
            {
                err.println("error: the key is longer than " + MAX_KEY_BYTES + " bytes, the most a HELLO carries");
                return 2;
            }
            if (key.startsWith(ApiKey.PREFIX))
            {
                err.println("error: that is already a hash; give the key itself");
                return 2;
            }
        }
        out.println(ApiKey.hash(key, iterations, random));
        return 0;
    }

    private static String readConsole(final Console console)
    {
        final char[] chars = console.readPassword("API key: ");
        return chars == null ? null : new String(chars);
    }

    private static String firstLine(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n' && line.size() <= MAX_KEY_BYTES; b = in.read())
        {
            line.write(b);
        }
        final String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static int usage(final PrintStream err, final String problem)
    {
        err.println("error: " + problem);
        err.println(USAGE);
        return 2;
    }
}
