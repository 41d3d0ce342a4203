package io.dispatch.journal;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;

import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.WriteLock;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.queue.RollCycle;

import java.nio.file.Path;

/**
 * The engine's Chronicle queue. One {@link JournalWriter} appends (the journal stage thread); any
 * thread may open its own {@link JournalReader}.
 */
public final class Journal implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final long WRITER_RECOVERY_TIMEOUT_MS = 1_000;

    private final SingleChronicleQueue queue;
    private final AppendFrontier frontier = new AppendFrontier();
    private final FallbackAddresses fallbackAddresses = new FallbackAddresses();
    private final ConsentArchive consentArchive;

    public Journal(final Path dir, final String rollCycle)
    {
        this(dir, rollCycle, SystemTimeProvider.INSTANCE);
    }

    /**
     * @param time what decides the cycle (and so when files roll): tests move it to roll at will, and the restart
     *             benchmark's journal builder writes weeks of history with it.
     */
    public Journal(final Path dir, final String rollCycle, final TimeProvider time)
    {
        this.queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(RollCycles.valueOf(rollCycle))
            .timeProvider(time)
            // How long an appender waits for another writer's unfinished header before recovering it.
            // The engine has one writer, so the only unfinished header is a dead process's: the
            // default 10 s would only hold up every ACK after a crash.
            .timeoutMS(WRITER_RECOVERY_TIMEOUT_MS)
            .build();
        // beside the journal's directory, in the data dir: only the message journal's is ever opened
        consentArchive = new ConsentArchive(dir.toAbsolutePath().resolveSibling(ConsentArchive.FILE));
        releaseLocksOfDeadWriters(queue);
        // Chronicle updates this small table in place (locks, last cycle): give its holes blocks now, while there is room
        JournalSpace.reserveWhole(dir.resolve("metadata.cq4t").toFile());
    }

    /**
     * A writer killed in the middle of an append (kill -9, power loss) leaves Chronicle's cross-process
     * write lock held by a dead process id; the next appender would wait for Chronicle's lock timeout
     * before taking it over, stalling the ring and every ACK behind it. Release such locks at start.
     * The write lock has no public accessor in this Chronicle version, hence the reflection.
     */
    private static void releaseLocksOfDeadWriters(final SingleChronicleQueue queue)
    {
        boolean released = releaseIfOwnerDead(queue.appendLock());
        try
        {
            final Method writeLock = SingleChronicleQueue.class.getDeclaredMethod("writeLock");
            writeLock.setAccessible(true);
            released |= releaseIfOwnerDead((WriteLock)writeLock.invoke(queue));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            LOG.warn("event=journal_lock_check_failed error={}", ex.toString());
        }
        if (released)
        {
            LOG.warn("event=journal_lock_released reason=previous_writer_died dir={}", queue.file());
        }
    }

    private static boolean releaseIfOwnerDead(final WriteLock lock)
    {
        return lock.locked() && lock.forceUnlockIfProcessIsDead();
    }

    /** Must be called on the thread that will append: Chronicle appenders are bound to their thread. */
    public JournalWriter newWriter(final boolean syncEachBatch)
    {
        return new JournalWriter(queue.createAppender(), syncEachBatch, queue.file().toPath(), frontier);
    }

    /** @return where this journal's writer appends, for a {@link JournalPretoucher}. */
    public AppendFrontier appendFrontier()
    {
        return frontier;
    }

    /** A raw appender for a queue with its own record layout (the directory's). Thread-bound, like every appender. */
    public ExcerptAppender newAppender()
    {
        return queue.createAppender();
    }

    /** Receives each document of {@link #readAll}; the array is reused, copy what you keep. */
    public interface DocumentVisitor
    {
        void onDocument(long index, byte[] bytes, int length);
    }

    /**
     * Reads every document from the start, in order, for queues with their own record layout (the
     * directory's, a connector's). @return the number of documents.
     */
    public long readAll(final DocumentVisitor visitor)
    {
        return readRange(-1, Long.MAX_VALUE, visitor);
    }

    /**
     * Reads the documents from {@code fromIndex} (from the start when it is -1 or no longer in the journal) up to,
     * not including, {@code beforeIndex}. @return the number of documents.
     */
    long readRange(final long fromIndex, final long beforeIndex, final DocumentVisitor visitor)
    {
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (fromIndex < 0 || !tailer.moveToIndex(fromIndex))
            {
                tailer.toStart();
            }
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.index() >= beforeIndex)
                    {
                        return count;
                    }
                    final Bytes<?> b = dc.wire().bytes();
                    final int length = (int)b.readRemaining();
                    if (buffer.length < length)
                    {
                        buffer = new byte[Integer.highestOneBit(length - 1) << 1];
                    }
                    b.read(buffer, 0, length);
                    visitor.onDocument(dc.index(), buffer, length);
                    count++;
                }
            }
        }
    }

    /** The consent records retention removed from this (the message) journal, kept for good. */
    public ConsentArchive consentArchive()
    {
        return consentArchive;
    }

    /** A cursor for a stream subscriber ({@link JournalCursor}); thread-bound, like every tailer. */
    public JournalCursor newCursor()
    {
        return new JournalCursor(queue.createTailer());
    }

    /** Where the fallbacks still owed a send on their new channel were re-addressed to; shared by stage, recovery and lanes. */
    public FallbackAddresses fallbackAddresses()
    {
        return fallbackAddresses;
    }

    /**
     * Deletes whole cycle files, oldest first, that lie below the cycle of {@code index} and ended before
     * {@code endedBeforeMs}. Never the current cycle (the index bound is at most the journal's end). Called by the
     * snapshot thread only.
     *
     * @return the number of files deleted.
     */
    int deleteCyclesBefore(final long index, final long endedBeforeMs, final DeletionGuard beforeFirst)
        throws java.io.IOException
    {
        final RollCycle rc = queue.rollCycle();
        final int limit = Math.min(rc.toCycle(index), queue.cycle());
        final int first = queue.firstCycle();
        if (first == Integer.MAX_VALUE)
        {
            return 0;
        }
        final DateTimeFormatter names = DateTimeFormatter.ofPattern(rc.format()).withZone(ZoneOffset.UTC);
        int stop = first;
        while (stop < limit && (long)(stop + 1) * rc.lengthInMillis() <= endedBeforeMs)
        {
            stop++;
        }
        int deleted = 0;
        for (int c = first; c < stop; c++)
        {
            final File f = new File(queue.file(), names.format(Instant.ofEpochMilli((long)c * rc.lengthInMillis()))
                + SingleChronicleQueue.SUFFIX);
            if (deleted == 0 && f.exists())
            {
                beforeFirst.run(rc.toIndex(stop, 0));
            }
            if (Files.deleteIfExists(f.toPath()))
            {
                deleted++;
                SnapshotStore.forceDirectory(queue.file().toPath());
                SnapshotCrashPoint.reach("mid_retention");
            }
        }
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** Runs before the first cycle file is deleted. */
    interface DeletionGuard
    {
        /** @param keptFromIndex the first index of the first cycle kept: everything below it is about to go. */
        void run(long keptFromIndex) throws java.io.IOException;
    }

    /** @return the length of the journal's cycle files together (Chronicle grows them a block at a time). */
    long diskBytes()
    {
        long total = 0;
        final File[] files = queue.file().listFiles((d, n) -> n.endsWith(SingleChronicleQueue.SUFFIX));
        for (final File f : files == null ? new File[0] : files)
        {
            total += f.length();
        }
        return total;
    }

    public JournalReader newReader()
    {
        return new JournalReader(queue.createTailer());
    }

    @Override
    public void close()
    {
        queue.close();
    }
}
