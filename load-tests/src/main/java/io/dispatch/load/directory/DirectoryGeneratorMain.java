package io.dispatch.load.directory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a generated recipient base as an import file:
 * {@code --count 10000000 --format ndjson|csv --out FILE [--seed 1]}. Exit 0 done, 2 bad flags.
 */
public final class DirectoryGeneratorMain
{
    private static final String USAGE =
        "usage: DirectoryGeneratorMain --count N --format ndjson|csv --out FILE [--seed S]";

    private DirectoryGeneratorMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        long count = -1;
        long seed = 1;
        String format = null;
        Path out = null;
        try
        {
            for (int i = 0; i < args.length; i += 2)
            {
                final String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null)
                {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i])
                {
                    case "--count": count = Long.parseLong(value.replace("_", "")); break;
                    case "--seed": seed = Long.parseLong(value); break;
                    case "--format": format = value; break;
                    case "--out": out = Path.of(value); break;
                    default: throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            if (count < 0 || out == null || !("csv".equals(format) || "ndjson".equals(format)))
            {
                throw new IllegalArgumentException("--count, --format (ndjson or csv) and --out are required");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        final long startNs = System.nanoTime();
        write(new DirectoryGenerator(seed), count, "csv".equals(format), out);
        System.out.printf(java.util.Locale.ROOT, "%,d rows (%s, seed %d) in %.1f s: %s, %,d bytes%n", count, format,
            seed, (System.nanoTime() - startNs) / 1e9, out, Files.size(out));
    }

    static void write(final DirectoryGenerator generator, final long count, final boolean csv, final Path out)
        throws IOException
    {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 20))
        {
            if (csv)
            {
                w.append(RowFormats.CSV_HEADER).append('\n');
            }
            for (long i = 0; i < count; i++)
            {
                final RecipientRow row = generator.row(i);
                if (csv)
                {
                    RowFormats.csv(row, w);
                }
                else
                {
                    RowFormats.ndjson(row, w);
                }
            }
        }
    }
}
