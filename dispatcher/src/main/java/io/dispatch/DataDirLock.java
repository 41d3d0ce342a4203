package io.dispatch;

import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One engine per data dir: an exclusive lock on {@code <data.dir>/engine.lock}, taken before the journal is
 * read and held for the life of the engine. Two engines on one journal would both append and both send, so
 * a second start fails at once. The operating system releases the lock when the process dies, even after
 * {@code kill -9}, so a stale lock file never blocks a restart. The file holds the owner's pid for the message.
 */
final class DataDirLock implements AutoCloseable
{
    static final String FILE_NAME = "engine.lock";

    /**
     * Dirs locked by this JVM. POSIX drops all of a process's locks on a file when it closes any descriptor of it,
     * so a second engine in the same JVM (tests) must be refused before it opens the file, or closing its channel
     * would release the first engine's lock for every other process.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final Path dir, final FileChannel channel, final FileLock lock)
    {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws ConfigurationException naming {@code data.dir} when the dir is unwritable or another engine holds it. */
    static DataDirLock acquire(final Path dataDir)
    {
        final Path dir;
        final FileChannel channel;
        try
        {
            dir = Files.createDirectories(dataDir).toRealPath();
            if (!HELD_IN_THIS_JVM.add(dir))
            {
                throw inUse(dataDir, " (pid " + ProcessHandle.current().pid() + ")");
            }
            try
            {
                channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            }
            catch (final IOException ex)
            {
                HELD_IN_THIS_JVM.remove(dir);
                throw ex;
            }
        }
        catch (final AccessDeniedException ex)
        {
            throw unwritable(dataDir, "permission denied");
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw unwritable(dataDir, "it is a file, not a directory");
        }
        catch (final IOException ex)
        {
            throw unwritable(dataDir, reason(ex));
        }
        try
        {
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                HELD_IN_THIS_JVM.remove(dir);
                throw inUse(dataDir, owner(channel));
            }
            final byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new DataDirLock(dir, channel, lock);
        }
        catch (final IOException ex)
        {
            HELD_IN_THIS_JVM.remove(dir);
            closeQuietly(channel);
            throw unwritable(dataDir, reason(ex));
        }
    }

    /** Reads the other engine's pid and closes the channel (it holds no lock). */
    private static String owner(final FileChannel channel)
    {
        String owner = "";
        try
        {
            final ByteBuffer b = ByteBuffer.allocate(32);
            final int n = channel.read(b, 0);
            final String pid = n > 0 ? new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim() : "";
            owner = pid.isEmpty() ? "" : " (pid " + pid + ")";
        }
        catch (final IOException ignored)
        {
            // the message goes without the pid
        }
        closeQuietly(channel);
        return owner;
    }

    private static ConfigurationException inUse(final Path dataDir, final String owner)
    {
        return new ConfigurationException(Configuration.DATA_DIR_PROP_NAME, dataDir.toAbsolutePath().normalize() +
            " is in use by another engine" + owner + "; stop that engine first, or give this one its own --data-dir");
    }

    private static String reason(final IOException ex)
    {
        if (ex instanceof FileSystemException fs)
        {
            return fs.getReason() != null ? fs.getReason() + ": " + fs.getFile() :
                (ex instanceof NoSuchFileException ? "cannot create " : ex.getClass().getSimpleName() + " ") + fs.getFile();
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private static ConfigurationException unwritable(final Path dataDir, final String cause)
    {
        return new ConfigurationException(Configuration.DATA_DIR_PROP_NAME, "cannot use " +
            dataDir.toAbsolutePath().normalize() + " (" + cause + "); fix that or choose another with --data-dir");
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // nothing held
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD_IN_THIS_JVM.remove(dir);
    }
}
