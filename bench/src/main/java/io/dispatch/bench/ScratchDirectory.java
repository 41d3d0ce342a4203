package io.dispatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory under {@code java.io.tmpdir} for one benchmark iteration's journal, deleted on
 * close so a long run does not fill the disk (a journal grows by hundreds of MB per second of appends).
 * Not thread-safe; owned by the benchmark thread that made it.
 */
public final class ScratchDirectory implements AutoCloseable
{
    private final Path path;

    public ScratchDirectory(final String prefix)
    {
        try
        {
            path = Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public Path path()
    {
        return path;
    }

    @Override
    public void close()
    {
        try (Stream<Path> files = Files.walk(path))
        {
            for (final Path p : (Iterable<Path>)files.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + path, ex);
        }
    }
}
