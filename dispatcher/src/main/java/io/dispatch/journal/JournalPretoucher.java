package io.dispatch.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Touches the journal's pages ahead of its appender, on a thread of its own, so the first store into each page
 * happens here and not on the journal stage's thread. On ext4 that first store sometimes takes milliseconds (about
 * 20 ms once or twice a second at 50,000 messages/s on the reference machine), and on the journal thread it held
 * every ACK behind it: docs/design/journal-pretouch.md has the measurements. Chronicle Queue's enterprise pretoucher
 * and Aeron's pre-touched term buffers do the same.
 * <p>
 * A touch is an atomic compare-and-set of a page's first int from 0 to 0: it changes nothing, even when the appender
 * writes the same bytes at the same moment (its value is then not 0 and the CAS fails; or the CAS goes first and the
 * appender's store lands after it), yet the kernel sees a write and makes the page resident, dirty and writable.
 * Only pages below {@link AppendFrontier.Cycle#reservedEnd()} are touched: their blocks are allocated
 * ({@link JournalSpace}), so a touch can neither fault on a full disk nor grow the file. The pretoucher maps the file
 * itself, in windows, and never holds Chronicle's mapping.
 * <p>
 * <b>Threading:</b> its own agent thread; reads the {@link AppendFrontier} the journal thread publishes.
 */
public final class JournalPretoucher implements Agent
{
    static final int PAGE_BYTES = 4096;
    /** Mapped at a time: a map call per this many journal bytes. */
    static final long WINDOW_BYTES = 16L << 20;
    /** Bounds one duty cycle, so a close is noticed even when far behind. */
    private static final int MAX_PAGES_PER_CYCLE = 1024;

    private final AppendFrontier frontier;
    private final long aheadBytes;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private AppendFrontier.Cycle cycle;
    private MappedByteBuffer window;
    private long windowStart;
    private long windowEnd;
    /** The first page not touched yet in {@link #cycle}. */
    private long next;
    private volatile long touchedBytes;

    /** @param aheadBytes how far beyond the latest append to keep pages touched (the reservation bounds it too). */
    public JournalPretoucher(final AppendFrontier frontier, final long aheadBytes)
    {
        if (aheadBytes < PAGE_BYTES)
        {
            throw new IllegalArgumentException("aheadBytes must be at least a page, got " + aheadBytes);
        }
        this.frontier = frontier;
        this.aheadBytes = aheadBytes;
    }

    @Override
    public int doWork() throws IOException
    {
        final AppendFrontier.Cycle c = frontier.current();
        if (c == null)
        {
            return 0;
        }
        if (c != cycle)
        {
            unmap();
            cycle = c;
            next = 0;
        }
        final long position = c.position();
        final long limit = Math.min(c.reservedEnd(), position + aheadBytes);
        // the page the appender is in is its own; start at the next one, or where the last cycle of work stopped
        long page = Math.max(next, nextPage(position));
        int touched = 0;
        try
        {
            while (page + PAGE_BYTES <= limit && touched < MAX_PAGES_PER_CYCLE)
            {
                if ((page < windowStart || page + Integer.BYTES > windowEnd) && !map(c, page))
                {
                    break;
                }
                view.compareAndSetInt((int)(page - windowStart), 0, 0);
                page += PAGE_BYTES;
                touched++;
            }
        }
        catch (final IOException | RuntimeException | InternalError ex)
        {
            // a file removed or truncated under us, or an unexpected fault: start again from a fresh mapping
            unmap();
            throw ex;
        }
        next = page;
        if (touched > 0)
        {
            touchedBytes += (long)touched * PAGE_BYTES;
        }
        return touched;
    }

    private static long nextPage(final long position)
    {
        return (position & -PAGE_BYTES) + PAGE_BYTES;
    }

    /**
     * Maps {@code [page, min(page + WINDOW_BYTES, reserved end, file size))}: never past what is reserved, and never
     * past the file's end, since a writable mapping beyond it would grow the file. The window reaches past the distance
     * ahead, so it is mapped again once per window or reservation step, not each time the appender moves on.
     *
     * @return false when the file ends before {@code page + PAGE_BYTES}: nothing to touch there yet.
     */
    private boolean map(final AppendFrontier.Cycle c, final long page) throws IOException
    {
        unmap();
        try (FileChannel ch = FileChannel.open(c.file().toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long end = Math.min(Math.min(page + WINDOW_BYTES, c.reservedEnd()), ch.size());
            if (end < page + PAGE_BYTES)
            {
                return false;
            }
            window = ch.map(FileChannel.MapMode.READ_WRITE, page, end - page);
        }
        view.wrap(window);
        windowStart = page;
        windowEnd = page + window.capacity();
        return true;
    }

    private void unmap()
    {
        if (window != null)
        {
            view.wrap(0, 0);
            IoUtil.unmap(window);
            window = null;
        }
        windowStart = 0;
        windowEnd = 0;
    }

    /** @return bytes touched ahead of the appender since start (any thread). */
    public long touchedBytes()
    {
        return touchedBytes;
    }

    @Override
    public void onClose()
    {
        unmap();
    }

    @Override
    public String roleName()
    {
        return "journal-pretouch";
    }
}
