package io.dispatch.connector.runtime;

import io.dispatch.connector.RecordLog;
import io.dispatch.journal.Journal;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A connector's {@link RecordLog} on a {@link Journal} of daily files: the journal releases a dead writer's lock
 * at open (after a kill -9), which a plain Chronicle queue would leave for the first append to wait out.
 */
public final class JournalRecordLog implements RecordLog
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecordLog.class);
    private static final String ROLL_CYCLE = "FAST_DAILY";
    private static final String FILE_SUFFIX = ".cq4";

    private final Path dir;
    private final Journal journal;

    private JournalRecordLog(final Path dir, final Journal journal)
    {
        this.dir = dir;
        this.journal = journal;
    }

    /** A {@link RecordLog.Opener}. */
    public static JournalRecordLog open(final Path dir, final long expiredBeforeMs)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the connector record log directory " + dir, ex);
        }
        // before the queue opens: its replay at start then never reads what has expired
        deleteExpired(dir, expiredBeforeMs);
        return new JournalRecordLog(dir, new Journal(dir, ROLL_CYCLE));
    }

    @Override
    public long readAll(final RecordVisitor visitor)
    {
        return journal.readAll((index, bytes, length) -> visitor.onRecord(bytes, length));
    }

    @Override
    public Appender newAppender()
    {
        final ExcerptAppender appender = journal.newAppender();
        return new Appender()
        {
            @Override
            public void append(final byte[] record, final int length)
            {
                try (DocumentContext dc = appender.writingDocument())
                {
                    dc.wire().bytes().write(record, 0, length);
                }
            }

            @Override
            public void close()
            {
                appender.close();
            }
        };
    }

    @Override
    public int deleteExpired(final long expiredBeforeMs)
    {
        return deleteExpired(dir, expiredBeforeMs);
    }

    private static int deleteExpired(final Path dir, final long expiredBeforeMs)
    {
        int deleted = 0;
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> cycles = files.filter(p -> p.getFileName().toString().endsWith(FILE_SUFFIX)).sorted().toList();
            // never the newest: the appender's
            for (int i = 0; i < cycles.size() - 1; i++)
            {
                if (Files.getLastModifiedTime(cycles.get(i)).toMillis() < expiredBeforeMs)
                {
                    Files.deleteIfExists(cycles.get(i));
                    deleted++;
                    LOG.info("event=connector_record_log_deleted file={}", cycles.get(i));
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("event=connector_record_log_sweep_failed dir={} error={}", dir, ex.toString());
        }
        return deleted;
    }

    @Override
    public void close()
    {
        journal.close();
    }
}
