package io.dispatch.journal;

import net.openhft.chronicle.queue.ExcerptAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

/**
 * Keeps disk blocks allocated ahead of the journal appender, so that a write into the memory-mapped file never
 * meets a hole the file system cannot fill. Chronicle grows a queue file with {@code setLength}, which makes a
 * sparse file: on a full disk the first store into an unbacked page raises SIGBUS, which the JVM turns into an
 * {@link InternalError} at some later instruction, after the write was silently dropped. {@code fallocate(2)}
 * instead fails cleanly with ENOSPC before anything is written, and mode 0 never changes bytes already in the
 * file. See docs/design/disk-safety.md.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the journal stage thread, like the appender it serves.
 */
final class JournalSpace implements AutoCloseable
{
    /** Blocks allocated per extension: one {@code fallocate} call per this many journal bytes. */
    static final long EXTEND_BYTES = 8L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(JournalSpace.class);
    /** After a failed extension, further attempts wait for this many reservation checks (not one syscall each). */
    static final int RETRY_EVERY_CHECKS = 64;

    private final NativeFiles.LibC libc;
    private final AppendFrontier frontier;
    private AppendFrontier.Cycle published;
    private int fd = -1;
    private int cycle = Integer.MIN_VALUE;
    private long reservedEnd;
    private boolean unavailable;
    private int checksUntilRetry;
    private int lastErrno;

    /** @param frontier where the reserved range is published for the {@link JournalPretoucher}. */
    JournalSpace(final AppendFrontier frontier)
    {
        this.frontier = frontier;
        this.libc = NativeFiles.libc();
        if (libc == null)
        {
            disable("no libc binding on this platform");
        }
    }

    /**
     * Makes sure {@code [position, position + length)} of the current cycle file is backed by allocated blocks,
     * extending the reservation by {@link #EXTEND_BYTES} when needed.
     *
     * @return true when the range is backed (or the platform cannot reserve and only the watcher protects it);
     * false when the file system has no room: nothing must be written.
     */
    boolean reserve(final ExcerptAppender appender, final long position, final long length)
    {
        if (unavailable)
        {
            return true;
        }
        final int cycle = appender.cycle();
        if (cycle != this.cycle)
        {
            open(cycle, appender.currentFile());
            if (unavailable)
            {
                return true;
            }
        }
        published.position(position);
        final long end = position + length;
        if (end <= reservedEnd)
        {
            return true;
        }
        if (checksUntilRetry > 0)
        {
            checksUntilRetry--;
            return false;
        }
        final long from = Math.max(reservedEnd, position);
        final long to = end + EXTEND_BYTES;
        // the exact range as a second try: after a restart the blocks may already be there (a previous writer's
        // reservation) even though the file system has no room for a whole step more
        if (libc.fallocate(fd, 0, from, to - from) == 0)
        {
            reserved(to);
            return true;
        }
        if (libc.fallocate(fd, 0, from, end - from) == 0)
        {
            reserved(end);
            return true;
        }
        lastErrno = NativeFiles.lastErrno();
        if (lastErrno != NativeFiles.ENOSPC && lastErrno != NativeFiles.EDQUOT)
        {
            // EOPNOTSUPP and the like: this file system cannot reserve; stop trying and rely on the watcher
            disable("fallocate failed: " + libc.strerror(lastErrno) + " (errno " + lastErrno + ") on "
                + appender.currentFile());
            return true;
        }
        checksUntilRetry = RETRY_EVERY_CHECKS;
        return false;
    }

    private void reserved(final long end)
    {
        reservedEnd = end;
        published.reservedEnd(end);
    }

    /** @return the errno of the last failed extension, 0 if none failed. */
    int lastErrno()
    {
        return lastErrno;
    }

    private void open(final int cycle, final File file)
    {
        closeFd();
        this.cycle = cycle;
        reservedEnd = 0;
        checksUntilRetry = 0;
        published = frontier.open(cycle, file);
        fd = libc.open(file.getAbsolutePath(), NativeFiles.O_RDWR, 0);
        if (fd < 0)
        {
            disable("cannot open " + file + ": " + libc.strerror(NativeFiles.lastErrno()));
        }
    }

    /** Best effort, for a small file Chronicle writes at fixed offsets (the queue's metadata table). */
    static void reserveWhole(final File file)
    {
        final NativeFiles.LibC p = NativeFiles.libc();
        if (p == null)
        {
            return;
        }
        final int f = p.open(file.getAbsolutePath(), NativeFiles.O_RDWR, 0);
        if (f >= 0)
        {
            p.fallocate(f, 0, 0, file.length());
            p.close(f);
        }
    }

    private void disable(final String reason)
    {
        unavailable = true;
        closeFd();
        LOG.warn("event=journal_preallocation_unavailable reason=\"{}\" effect=only journal.minFreeBytes protects" +
            " the journal from a full disk", reason);
    }

    private void closeFd()
    {
        if (fd >= 0)
        {
            libc.close(fd);
            fd = -1;
        }
    }

    @Override
    public void close()
    {
        closeFd();
    }
}
