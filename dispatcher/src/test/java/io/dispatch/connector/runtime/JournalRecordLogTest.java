package io.dispatch.connector.runtime;

import io.dispatch.connector.RecordLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector SPI's durable record log on the engine's journal: what one life appends (on its own thread) the next
 * reads back in order, and expired files go at open and on request, never the newest.
 */
@Timeout(60)
class JournalRecordLogTest
{
    private static final long DAY_MS = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void shouldReadBackInOrderWhatThePreviousLifeAppendedOnItsWriterThread() throws Exception
    {
        final Path logDir = dir.resolve("log");
        try (RecordLog log = JournalRecordLog.open(logDir, 0))
        {
            assertThat(log.readAll((bytes, length) -> { })).isZero();
            final Thread writer = new Thread(() ->
            {
                try (RecordLog.Appender appender = log.newAppender())
                {
                    final byte[] record = new byte[16];
                    for (final String text : new String[] {"first", "second", "third"})
                    {
                        final byte[] b = text.getBytes(StandardCharsets.US_ASCII);
                        System.arraycopy(b, 0, record, 0, b.length);
                        appender.append(record, b.length); // the reused array's tail is not written
                    }
                }
            });
            writer.start();
            writer.join();
        }

        try (RecordLog log = JournalRecordLog.open(logDir, 0))
        {
            final List<String> read = new ArrayList<>();
            assertThat(log.readAll((bytes, length) -> read.add(new String(bytes, 0, length, StandardCharsets.US_ASCII))))
                .isEqualTo(3);
            assertThat(read).containsExactly("first", "second", "third");
        }
    }

    @Test
    void shouldDeleteExpiredFilesAtOpenAndOnRequestButNeverTheNewest() throws Exception
    {
        final Path logDir = dir.resolve("log");
        final long nowMs = System.currentTimeMillis();
        try (RecordLog log = JournalRecordLog.open(logDir, 0); RecordLog.Appender appender = log.newAppender())
        {
            appender.append(new byte[] {1}, 1);
        }
        final Path old = stale(logDir, "20200101F.cq4", nowMs - 3 * DAY_MS);
        try (RecordLog log = JournalRecordLog.open(logDir, nowMs - DAY_MS))
        {
            assertThat(old).doesNotExist();
            assertThat(log.readAll((bytes, length) -> { })).as("today's record kept").isEqualTo(1);

            final Path older = stale(logDir, "20200102F.cq4", nowMs - 3 * DAY_MS);
            assertThat(log.deleteExpired(nowMs - DAY_MS)).isEqualTo(1);
            assertThat(older).doesNotExist();
            assertThat(log.deleteExpired(Long.MAX_VALUE)).as("the newest file is the appender's").isZero();
        }
    }

    private static Path stale(final Path dir, final String name, final long lastWrittenMs) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.write(file, new byte[16]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(lastWrittenMs));
        return file;
    }
}
