package io.dispatch.connector;

import java.nio.file.Path;

/**
 * A durable log of small records under a connector's data directory, opened through its lane
 * ({@link ConnectorContext#recordLogs()}): what a connector must find again after a restart or a kill -9, such as
 * the SMPP receipt correlation log. It is written like the engine's journal: memory-mapped daily files, so a record
 * appended before a kill -9 is read back after it, and the lock of a writer killed mid-record is released at open
 * rather than making the next life's first append wait for it.
 * <p>
 * Threading: {@link #readAll} before the first append; each {@link Appender} on the thread that made it;
 * {@link #deleteExpired} from one thread at a time; {@link #close} once, after every appender closed.
 */
public interface RecordLog extends AutoCloseable
{
    /** Opens the record logs of a lane. */
    @FunctionalInterface
    interface Opener
    {
        /**
         * Opens (creating) the log in {@code dir}, after deleting its files last written before
         * {@code expiredBeforeMs} (never the newest), so a replay at start does not read what has expired.
         */
        RecordLog open(Path dir, long expiredBeforeMs);
    }

    /** Receives each record of {@link #readAll}; the array is reused, copy what you keep. */
    @FunctionalInterface
    interface RecordVisitor
    {
        void onRecord(byte[] bytes, int length);
    }

    /** Appends records; bound to the thread that made it. */
    interface Appender extends AutoCloseable
    {
        /** Appends the first {@code length} bytes of {@code record} as one record. */
        void append(byte[] record, int length);

        @Override
        void close();
    }

    /** Reads every record from the oldest, in order. @return how many. */
    long readAll(RecordVisitor visitor);

    /** An appender for the calling thread. */
    Appender newAppender();

    /** Deletes the files last written before {@code expiredBeforeMs}, never the newest. @return how many. */
    int deleteExpired(long expiredBeforeMs);

    @Override
    void close();
}
