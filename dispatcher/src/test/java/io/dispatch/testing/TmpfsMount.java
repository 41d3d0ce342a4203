package io.dispatch.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs mounted on a test folder: a really small file system to fill. Needs root (CI and the build
 * machine run as root); elsewhere the test is skipped with the reason. {@link #close()} unmounts it.
 */
public final class TmpfsMount implements AutoCloseable
{
    private final Path dir;

    private TmpfsMount(final Path dir)
    {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code sizeBytes} on {@code dir}, or skips the test (JUnit assumption) where mounting is not allowed. */
    public static TmpfsMount mount(final Path dir, final long sizeBytes) throws Exception
    {
        Files.createDirectories(dir);
        final String out = run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes, "tmpfs", dir.toString());
        Assumptions.assumeTrue(out == null, () -> "cannot mount a tmpfs (needs root): " + out);
        return new TmpfsMount(dir);
    }

    public Path dir()
    {
        return dir;
    }

    /** Writes a file of {@code bytes} zeros, or as much as fits: @return the bytes written. */
    public long fill(final Path file, final long bytes) throws IOException
    {
        final byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (var out = Files.newOutputStream(file))
        {
            while (written < bytes)
            {
                final int n = (int)Math.min(chunk.length, bytes - written);
                out.write(chunk, 0, n);
                written += n;
            }
        }
        catch (final IOException noSpaceLeft)
        {
            // the point: the file system is full
        }
        return Files.size(file);
    }

    @Override
    public void close() throws Exception
    {
        final String out = run("umount", dir.toString());
        if (out != null)
        {
            // a child engine killed a moment ago may still hold a mapping: detach now, freed when released
            run("umount", "-l", dir.toString());
        }
    }

    /** @return null on success, else the command's output. */
    private static String run(final String... cmd) throws Exception
    {
        final Process p;
        try
        {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return String.join(" ", cmd) + ": timed out";
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": " + out.trim();
    }
}
