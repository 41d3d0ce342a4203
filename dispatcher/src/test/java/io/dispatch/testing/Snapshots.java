package io.dispatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Journal snapshots in an engine's data dir, for tests that restart from one. */
public final class Snapshots
{
    private Snapshots()
    {
    }

    /**
     * Waits (at most 30 s) until the engine's snapshot thread has committed a snapshot into {@code dataDir}/snapshots:
     * an engine takes one once it is ready when the journal holds records no snapshot covers, and the thread gives
     * no other signal. Closing the engine before then would leave the next start without it.
     */
    public static void awaitOne(final Path dataDir) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(dataDir) == 0)
        {
            assertThat(System.nanoTime()).as("a snapshot in %s within 30 s", dataDir).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** @return the committed snapshot files (a .tmp is not one). */
    public static long count(final Path dataDir) throws IOException
    {
        final Path dir = dataDir.resolve("snapshots");
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".snap")).count();
        }
    }
}
