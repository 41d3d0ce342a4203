package io.dispatch.targeting;

import io.dispatch.journal.Journal;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * The directory's own Chronicle queue ({@code <dataDir>/directory}): directory updates and campaign records
 * ({@link DirectoryRecords}). Kept apart from the message journal so that a 10M-row import neither slows
 * the ring's appends nor lengthens the message recovery scan; see docs/design/directory.md.
 * <p>
 * <b>Note:</b> the appender is bound to the targeting thread (created on its first append there).
 */
final class DirectoryJournal implements AutoCloseable
{
    private final Journal queue;
    private ExcerptAppender appender;

    DirectoryJournal(final Path dir, final String rollCycle)
    {
        this.queue = new Journal(dir, rollCycle);
    }

    /** @return the index of the record: a campaign's id when the record is its CAMPAIGN record. */
    long append(final byte[] record, final int length)
    {
        if (appender == null)
        {
            appender = queue.newAppender();
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(record, 0, length);
        }
        return appender.lastIndexAppended();
    }

    /** The queue, for readers of their own on other threads ({@link DirectoryLedger}). */
    Journal queue()
    {
        return queue;
    }

    /** Reads every record from the start, in order. @return the number of records. */
    long replay(final Journal.DocumentVisitor visitor)
    {
        return queue.readAll(visitor);
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }
}
