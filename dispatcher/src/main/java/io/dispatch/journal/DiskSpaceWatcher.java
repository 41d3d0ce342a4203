package io.dispatch.journal;

import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Watches the free space of the journal's file system at a low rate (one {@code statvfs} per duty cycle; the
 * runner sleeps between cycles) and says when it falls below {@code journal.minFreeBytes}: new submits are then
 * NACKed STORAGE_FULL, while the space left is the reserve for the state changes of messages already accepted.
 * It resumes by itself once free space is back above the threshold plus a quarter of it, so a disk hovering at
 * the threshold does not flap. See docs/design/disk-safety.md.
 * <p>
 * Written by its own thread only; {@link #isFull()} and {@link #freeBytes()} are read by any thread.
 */
public final class DiskSpaceWatcher implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpaceWatcher.class);

    private final Path dir;
    private final long minFreeBytes;
    private final long resumeFreeBytes;
    private final LongSupplier usableBytes;
    private volatile boolean full;
    private volatile long freeBytes = -1;
    private boolean pollFailed;

    /** @param usableBytes free bytes for an unprivileged writer; {@code -1} when unknown. */
    public DiskSpaceWatcher(final Path dir, final long minFreeBytes, final LongSupplier usableBytes)
    {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        this.resumeFreeBytes = minFreeBytes + minFreeBytes / 4;
        this.usableBytes = usableBytes;
    }

    /** A watcher of the file system holding {@code dir}; one that never knows (and logs so) if it cannot be read. */
    public static DiskSpaceWatcher of(final Path dir, final long minFreeBytes)
    {
        final FileStore store;
        try
        {
            store = Files.getFileStore(dir);
        }
        catch (final IOException ex)
        {
            return new DiskSpaceWatcher(dir, minFreeBytes, () -> -1);
        }
        return new DiskSpaceWatcher(dir, minFreeBytes, () ->
        {
            try
            {
                return store.getUsableSpace();
            }
            catch (final IOException ex)
            {
                return -1;
            }
        });
    }

    @Override
    public int doWork()
    {
        final long free = usableBytes.getAsLong();
        if (free < 0)
        {
            if (!pollFailed)
            {
                pollFailed = true;
                LOG.warn("event=disk_space_unknown dir={} effect=\"the last known state stays\"", dir);
            }
            return 0;
        }
        pollFailed = false;
        freeBytes = free;
        if (!full && free < minFreeBytes)
        {
            full = true;
            LOG.warn("event=storage_full dir={} free_bytes={} min_free_bytes={} effect=\"new submits NACKed" +
                " STORAGE_FULL; accepted messages keep dispatching\" fix=\"free space on this file system (or lower" +
                " journal.minFreeBytes)\"", dir, free, minFreeBytes);
        }
        else if (full && free >= resumeFreeBytes)
        {
            full = false;
            LOG.info("event=storage_resumed dir={} free_bytes={} min_free_bytes={}", dir, free, minFreeBytes);
        }
        return 0;
    }

    /** True while free space is below {@code journal.minFreeBytes} (and until it is back above it plus a quarter). */
    public boolean isFull()
    {
        return full;
    }

    /** @return free bytes at the last poll, -1 before the first. */
    public long freeBytes()
    {
        return freeBytes;
    }

    public long minFreeBytes()
    {
        return minFreeBytes;
    }

    @Override
    public String roleName()
    {
        return "disk-space-watcher";
    }
}
