package io.dispatch.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * The message journal's CONSENT records, kept after retention deletes their cycles: consent evidence (a client's
 * CONSENT frame, an 080 opt-out, a TalkTalk friend event) is kept for as long as the law asks, not as long as
 * messages (docs/design/snapshots-and-retention.md, "Consent evidence").
 * <p>
 * One append-only file, {@code <data.dir>/consent-archive.log}: an 8-byte magic, then records, little-endian,
 * <pre>
 *  0 i32 length n    4 i64 journal index    12 n bytes: the journal record as it was (type, time, tenant, body)
 *  12+n i32 CRC32C of the index and the record
 * </pre>
 * in journal order. Before its first deletion retention copies every CONSENT record below the first index it keeps
 * and above the highest index already here, and forces the file; only then are cycle files deleted. So a kill -9
 * between the copy and the deletion re-copies nothing (the next run starts above the highest index), and one during
 * the copy leaves a torn last record that {@link #open} cuts off before the next copy writes it again.
 * <p>
 * Readers see the archive, then the journal's records above its highest index ({@link #readAll}): the same records
 * in the same order before and after a deletion. A read lock spans both, and retention holds the write lock from
 * the copy to the last deletion, so a reader never falls between the two.
 */
public final class ConsentArchive
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsentArchive.class);
    public static final String FILE = "consent-archive.log";
    private static final byte[] MAGIC = {'D', 'S', 'P', 'C', 'O', 'N', 'S', '1'};
    private static final int HEADER = 4 + 8;
    private static final int TRAILER = 4;
    private static final int MAX_RECORD = 1 << 20;

    private final Path file;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // guarded by lock
    private boolean opened;
    private long highestIndex = -1;
    private long length;
    private long records;

    ConsentArchive(final Path file)
    {
        this.file = file;
    }

    /** An action under the archive's write lock (retention: the copy and the deletions). */
    public interface Exclusive<T>
    {
        T run() throws IOException;
    }

    public Path file()
    {
        return file;
    }

    /**
     * Reads the file and cuts off a torn last record (a kill -9 during a copy). Done at start so that a damaged
     * archive stops the start with a line naming the file, instead of failing every retention run and export later.
     *
     * @throws IllegalStateException when a record other than the last one fails its checksum.
     */
    public void open() throws IOException
    {
        lock.writeLock().lock();
        try
        {
            openLocked();
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    /** @return the highest journal index archived, -1 when none. */
    public long highestIndex() throws IOException
    {
        lock.writeLock().lock();
        try
        {
            openLocked();
            return highestIndex;
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    /** @return the number of records archived. */
    public long records() throws IOException
    {
        lock.writeLock().lock();
        try
        {
            openLocked();
            return records;
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    <T> T exclusive(final Exclusive<T> action) throws IOException
    {
        lock.writeLock().lock();
        try
        {
            return action.run();
        }
        finally
        {
            lock.writeLock().unlock();
        }
    }

    /**
     * Copies the journal's CONSENT records with an index above the highest archived and below {@code beforeIndex}
     * into the archive and forces it to disk. Called by retention, under {@link #exclusive}, before it deletes a cycle.
     *
     * @return the number of records copied.
     */
    int copyBefore(final Journal journal, final long beforeIndex) throws IOException
    {
        openLocked();
        final ByteArrayOutputStream batch = new ByteArrayOutputStream();
        final long[] last = {highestIndex};
        final int[] copied = {0};
        final CRC32C crc = new CRC32C();
        final ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        journal.readRange(highestIndex, beforeIndex, (index, b, n) ->
        {
            if (index <= highestIndex || n < 1 || b[0] != JournalRecord.TYPE_CONSENT)
            {
                return;
            }
            head.clear();
            head.putInt(n).putLong(index);
            crc.reset();
            crc.update(head.array(), 4, 8);
            crc.update(b, 0, n);
            trailer.clear();
            trailer.putInt((int)crc.getValue());
            batch.write(head.array(), 0, HEADER);
            batch.write(b, 0, n);
            batch.write(trailer.array(), 0, TRAILER);
            last[0] = index;
            copied[0]++;
        });
        if (copied[0] > 0)
        {
            append(batch.toByteArray());
            highestIndex = last[0];
            records += copied[0];
            LOG.info("event=consent_archived records={} highest_index={} file={}", copied[0], highestIndex, file);
        }
        SnapshotCrashPoint.reach("after_consent_archive");
        return copied[0];
    }

    /**
     * Gives {@code visitor} the archived CONSENT records, then the journal's records above the highest archived
     * index: every consent record the engine ever journaled, in journal order, whatever retention deleted.
     */
    public void readAll(final Journal journal, final Journal.DocumentVisitor visitor)
    {
        try
        {
            open(); // the engine opened it at start; a reader of a data dir opens it here
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("consent archive " + file, ex);
        }
        lock.readLock().lock();
        try
        {
            final long through = highestIndex;
            readArchive(visitor);
            journal.readAll((index, b, n) ->
            {
                if (index > through)
                {
                    visitor.onDocument(index, b, n);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("consent archive " + file, ex);
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    private void readArchive(final Journal.DocumentVisitor visitor) throws IOException
    {
        if (length == 0)
        {
            return;
        }
        try (InputStream in = Files.newInputStream(file);
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 64 * 1024)))
        {
            data.readFully(new byte[MAGIC.length]);
            byte[] record = new byte[4096];
            for (long at = MAGIC.length; at < length; )
            {
                final int n = Integer.reverseBytes(data.readInt());
                final long index = Long.reverseBytes(data.readLong());
                if (record.length < n)
                {
                    record = new byte[Integer.highestOneBit(n - 1) << 1];
                }
                data.readFully(record, 0, n);
                data.readInt(); // checked by open
                visitor.onDocument(index, record, n);
                at += HEADER + n + TRAILER;
            }
        }
    }

    private void append(final byte[] batch) throws IOException
    {
        final boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            if (length == 0)
            {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(MAGIC), 0);
                length = MAGIC.length;
            }
            if (ch.size() > length)
            {
                ch.truncate(length); // what a failed append (a full disk) left: never a record, written again below
            }
            final ByteBuffer b = ByteBuffer.wrap(batch);
            long at = length;
            while (b.hasRemaining())
            {
                at += ch.write(b, at);
            }
            ch.force(true);
            length = at;
        }
        if (created)
        {
            SnapshotStore.forceDirectory(file.toAbsolutePath().getParent());
        }
    }

    private void openLocked() throws IOException
    {
        if (opened)
        {
            return;
        }
        if (!Files.exists(file))
        {
            opened = true;
            return;
        }
        final long size = Files.size(file);
        long good = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            DataInputStream data = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024)))
        {
            final byte[] magic = new byte[MAGIC.length];
            if (size >= MAGIC.length)
            {
                data.readFully(magic);
                if (!Arrays.equals(magic, MAGIC))
                {
                    throw damaged(0, "it is not a consent archive");
                }
                good = MAGIC.length;
            }
            final CRC32C crc = new CRC32C();
            byte[] record = new byte[4096];
            final ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            while (good < size)
            {
                try
                {
                    data.readFully(head.array());
                    final int n = head.getInt(0);
                    if (n < 1 || n > MAX_RECORD)
                    {
                        throw new BadRecord();
                    }
                    if (record.length < n)
                    {
                        record = new byte[Integer.highestOneBit(n - 1) << 1];
                    }
                    data.readFully(record, 0, n);
                    final int sum = Integer.reverseBytes(data.readInt());
                    crc.reset();
                    crc.update(head.array(), 4, 8);
                    crc.update(record, 0, n);
                    if (sum != (int)crc.getValue())
                    {
                        throw new BadRecord();
                    }
                    highestIndex = head.getLong(4);
                    records++;
                    good += HEADER + n + TRAILER;
                }
                catch (final EOFException | BadRecord ex)
                {
                    final long end = ex instanceof EOFException ? size : good + HEADER + head.getInt(0) + TRAILER;
                    if (end < size && !zeroFrom(good, size))
                    {
                        throw damaged(good, "a record fails its checksum");
                    }
                    break; // a torn last record: the copy that wrote it never finished, the next one writes it again
                }
            }
        }
        if (good < size)
        {
            LOG.warn("event=consent_archive_torn_tail file={} cut_bytes={} highest_index={}", file, size - good,
                highestIndex);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                ch.truncate(good);
                ch.force(true);
            }
        }
        length = good;
        opened = true;
    }

    private boolean zeroFrom(final long from, final long size) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            for (long at = from; at < size; )
            {
                b.clear();
                final int n = ch.read(b, at);
                if (n <= 0)
                {
                    return true;
                }
                for (int i = 0; i < n; i++)
                {
                    if (b.get(i) != 0)
                    {
                        return false;
                    }
                }
                at += n;
            }
            return true;
        }
    }

    private IllegalStateException damaged(final long at, final String why)
    {
        return new IllegalStateException("consent archive " + file + " is damaged at byte " + at + " (" + why
            + "); it is the only copy of the consent evidence retention removed from the journal: restore it from a"
            + " backup, or move it away to start without that evidence");
    }

    /** A record that fails its length or checksum. */
    private static final class BadRecord extends Exception
    {
        BadRecord()
        {
            super(null, null, false, false);
        }
    }
}
