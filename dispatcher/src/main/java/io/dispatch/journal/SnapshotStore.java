package io.dispatch.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The journal's snapshot files, in {@code <data.dir>/snapshots}: {@code snapshot-<index>.snap}, where index (16 hex
 * digits) is the last journal document the snapshot covers. A snapshot is written to a {@code .tmp} file, forced to
 * disk, renamed into place and the directory forced: the rename is the commit, so a crash leaves either the old set
 * or the new one, never a half-written snapshot under a valid name. A CRC32C trailer catches what the file system
 * did not (a torn or truncated file); the reader then falls back to the previous snapshot, then to a full scan.
 * <pre>
 *  0 i32 magic 'DSNP'   4 i32 version   8 i64 coveredIndex   16 i64 lowestOpenId   24 i64 takenAtMs
 * 32 body (see Recovery#writeSnapshot)   then i32 CRC32C of everything before it
 * </pre>
 */
public final class SnapshotStore
{
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final int MAGIC = 0x44534E50;
    /**
     * 2: the status table's slots carry the end-to-end clock; 3: caps, lane rates, inbound events and fallback
     * addresses. An older snapshot lacks them and is unreadable: a full scan.
     */
    private static final int VERSION = 3;
    static final int HEADER_LENGTH = 32;
    private static final int BUFFER = 1 << 20;
    /** Two: a corrupt newest one falls back to the previous, and retention keeps what that one needs. */
    private static final int KEEP = 2;

    /** A snapshot file's header. */
    public record Snapshot(Path file, long coveredIndex, long lowestOpenId, long takenAtMs)
    {
    }

    /** Writes a snapshot's body. */
    public interface Body
    {
        void write(DataOutputStream out) throws IOException;
    }

    private final Path dir;

    public SnapshotStore(final Path dir)
    {
        this.dir = dir;
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * The file retention writes before it deletes its first cycle: from then on the snapshots hold the only copy of
     * what those cycles said (consent updates, rate changes, template versions), and a start without a usable
     * snapshot must not quietly carry on without it.
     */
    public Path retainedMarker()
    {
        return dir.resolveSibling("journal.retained");
    }

    /** Writes {@link #retainedMarker} (once, durably) before retention deletes anything. */
    void markRetained() throws IOException
    {
        final Path marker = retainedMarker();
        if (!Files.exists(marker))
        {
            Files.writeString(marker, "journal cycles were deleted by retention; the snapshots in " + dir
                + " hold what they said\n", StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            forceDirectory(marker.getParent());
        }
    }

    /** Every snapshot whose header reads, newest (highest covered index) first. Leftover temp files are removed. */
    public List<Snapshot> list()
    {
        final List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                if (name.endsWith(".tmp"))
                {
                    // a snapshot a crash interrupted before its rename: never valid
                    Files.deleteIfExists(f);
                    LOG.info("event=snapshot_partial_removed file={}", f);
                }
                else if (name.startsWith("snapshot-") && name.endsWith(".snap"))
                {
                    final Snapshot s = header(f);
                    if (s != null)
                    {
                        out.add(s);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("event=snapshot_list_failed dir={} error={}", dir, ex.toString());
        }
        out.sort(Comparator.comparingLong(Snapshot::coveredIndex).reversed());
        return out;
    }

    private static Snapshot header(final Path f)
    {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0)
            {
                // read the whole header
            }
            if (b.hasRemaining() || b.getInt(0) != MAGIC || b.getInt(4) != VERSION)
            {
                LOG.warn("event=snapshot_unreadable file={} reason=bad_header", f);
                return null;
            }
            return new Snapshot(f, b.getLong(8), b.getLong(16), b.getLong(24));
        }
        catch (final IOException ex)
        {
            LOG.warn("event=snapshot_unreadable file={} error={}", f, ex.toString());
            return null;
        }
    }

    /** @return whether the file's CRC32C trailer matches its content (checked before any state loads). */
    public static boolean verify(final Snapshot s)
    {
        try
        {
            final long length = Files.size(s.file());
            if (length < HEADER_LENGTH + 4)
            {
                return false;
            }
            if (length <= Integer.MAX_VALUE)
            {
                final ByteBuffer b = map(s.file(), length);
                final CRC32C crc = new CRC32C();
                crc.update(b.slice(0, (int)length - 4));
                return (int)crc.getValue() == b.getInt((int)length - 4);
            }
            final CRC32C crc = new CRC32C();
            try (InputStream in = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(s.file()), BUFFER), crc))
            {
                final byte[] chunk = new byte[BUFFER];
                long left = length - 4;
                while (left > 0)
                {
                    final int n = in.read(chunk, 0, (int)Math.min(chunk.length, left));
                    if (n < 0)
                    {
                        return false;
                    }
                    left -= n;
                }
                final int actual = (int)crc.getValue();
                return actual == new DataInputStream(in).readInt();
            }
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * A verified snapshot's body: the mapped file (one intrinsic read per field), or, for one beyond 2 GiB, a buffered
     * stream, which the caller closes (it is {@link java.io.Closeable}; the mapping needs no closing).
     */
    public static DataInput openBody(final Snapshot s) throws IOException
    {
        final long length = Files.size(s.file());
        if (length <= Integer.MAX_VALUE)
        {
            final ByteBuffer b = map(s.file(), length);
            return new BufferDataInput(b.slice(HEADER_LENGTH, (int)length - 4 - HEADER_LENGTH));
        }
        final DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(s.file()), BUFFER));
        in.skipNBytes(HEADER_LENGTH);
        return in;
    }

    private static ByteBuffer map(final Path file, final long length) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
        }
    }

    /**
     * Writes a snapshot covering the journal up to {@code coveredIndex}: temp file, fsync, rename, directory fsync.
     * Then removes all but the newest {@value #KEEP}.
     */
    public Snapshot write(final long coveredIndex, final long lowestOpenId, final long takenAtMs, final Body body)
        throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve(String.format("snapshot-%016x.snap", coveredIndex));
        final Path tmp = dir.resolve(file.getFileName() + ".tmp");
        final CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE))
        {
            final OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
            final DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(
                new NonClosing(raw), crc), BUFFER));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(coveredIndex);
            out.writeLong(lowestOpenId);
            out.writeLong(takenAtMs);
            body.write(out);
            out.flush();
            new DataOutputStream(raw).writeInt((int)crc.getValue());
            SnapshotCrashPoint.reach("after_write");
            ch.force(true);
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(tmp);
            throw ex;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        SnapshotCrashPoint.reach("after_rename");
        final List<Snapshot> all = list();
        for (int i = KEEP; i < all.size(); i++)
        {
            Files.deleteIfExists(all.get(i).file());
        }
        return new Snapshot(file, coveredIndex, lowestOpenId, takenAtMs);
    }

    /** Makes a rename or delete in {@code dir} durable (Linux: fsync on the directory). */
    static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ))
        {
            ch.force(true);
        }
    }

    /** Lets the checksum stream be flushed without closing the channel under it. */
    private static final class NonClosing extends java.io.FilterOutputStream
    {
        NonClosing(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            out.write(b, off, len);
        }

        @Override
        public void close()
        {
        }
    }
}
