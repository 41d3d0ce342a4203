package io.dispatch.directory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot file of a {@link Directory}: big-endian, CRC-32 checked.
 * <pre>
 * i32 magic "DDIR", i32 version 1, i64 journalIndex, i32 tenantCount, then per tenant (ascending id):
 *   i32 tenantId, i32 ordinals, live bitmap (Roaring portable format), arena (i64 end + raw chunks),
 *   id refs (i64 x ordinals), i32 attributeCount, custom attributes' (UTF name, u8 type),
 *   every attribute's columns (and bit slices), tags, consent, push tokens, opt-outs
 * i64 CRC-32 of everything before it
 * </pre>
 * Columns are stored; the hash indexes (id, token) and the equality and consent bitmaps are rebuilt on read,
 * in ordinal order. Replaced arena bytes are carried as they are. Single-threaded.
 */
final class DirectorySnapshot
{
    private static final int MAGIC = 0x44444952;
    private static final int VERSION = 1;
    private static final int BUFFER = 1 << 20;

    private DirectorySnapshot()
    {
    }

    static void write(final Directory directory, final Path file, final long journalIndex) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileOutputStream fos = new FileOutputStream(temp.toFile()))
        {
            final CRC32 crc = new CRC32();
            final DataOutputStream out = new DataOutputStream(
                new BufferedOutputStream(new CheckedOutputStream(fos, crc), BUFFER));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(journalIndex);
            final int[] ids = directory.tenants.keySet().stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(ids);
            out.writeInt(ids.length);
            for (final int id : ids)
            {
                out.writeInt(id);
                writeTenant(directory.tenants.get(id), out);
            }
            out.flush();
            out.writeLong(crc.getValue());
            out.flush();
            fos.getFD().sync();
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    static Directory read(final Path file) throws IOException
    {
        final long checkedLength = Files.size(file) - Long.BYTES;
        try (InputStream fin = Files.newInputStream(file))
        {
            final CRC32 crc = new CRC32();
            // The checksum must see exactly the bytes before the trailer, whatever the buffer reads ahead.
            final InputStream limited = new BoundedInputStream(fin, checkedLength);
            final DataInputStream in = new DataInputStream(new BufferedInputStream(new CheckedInputStream(limited, crc), BUFFER));
            if (in.readInt() != MAGIC)
            {
                throw new IOException(file + ": not a directory snapshot");
            }
            final int version = in.readInt();
            if (version != VERSION)
            {
                throw new IOException(file + ": snapshot version " + version + ", this engine reads " + VERSION);
            }
            final Directory directory = new Directory();
            final long journalIndex = in.readLong();
            final int count = in.readInt();
            for (int i = 0; i < count; i++)
            {
                final int id = in.readInt();
                directory.tenants.put(id, readTenant(in));
            }
            if (in.read() != -1)
            {
                throw new IOException(file + ": bytes after the last tenant");
            }
            final long expected = crc.getValue();
            if (new DataInputStream(fin).readLong() != expected)
            {
                throw new IOException(file + ": snapshot checksum mismatch");
            }
            directory.snapshotJournalIndex(journalIndex);
            return directory;
        }
    }

    private static void writeTenant(final TenantDirectory t, final DataOutputStream out) throws IOException
    {
        final int size = t.nextOrdinal;
        out.writeInt(size);
        t.live.serialize(out);
        t.arena.write(out);
        t.ids.write(out, size);
        out.writeInt(t.attributes.size());
        for (int a = TenantDirectory.CHAT_KEY + 1; a < t.attributes.size(); a++)
        {
            out.writeUTF(t.attributes.get(a).name);
            out.writeByte(t.attributes.get(a).type);
        }
        for (final Attribute a : t.attributes)
        {
            a.write(out, size);
        }
        t.tags.write(out);
        t.consent.write(out, size);
        t.push.write(out, size);
        t.optOuts.write(out);
    }

    private static TenantDirectory readTenant(final DataInputStream in) throws IOException
    {
        final TenantDirectory t = new TenantDirectory();
        final int size = in.readInt();
        t.nextOrdinal = size;
        t.live.deserialize(in);
        t.arena.read(in);
        t.ids.read(in, size, t.live);
        final int attributes = in.readInt();
        for (int a = TenantDirectory.CHAT_KEY + 1; a < attributes; a++)
        {
            final String name = in.readUTF();
            t.addAttribute(name, in.readByte());
        }
        for (final Attribute a : t.attributes)
        {
            a.read(in, size);
        }
        t.tags.read(in);
        t.consent.read(in, size);
        t.push.read(in, size, t.live);
        t.optOuts.read(in);
        return t;
    }

    /** Reads at most {@code limit} bytes of the underlying stream. */
    private static final class BoundedInputStream extends java.io.FilterInputStream
    {
        private long left;

        BoundedInputStream(final InputStream in, final long limit)
        {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int b = in.read();
            if (b >= 0)
            {
                left--;
            }
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            if (left <= 0)
            {
                return -1;
            }
            final int n = in.read(b, off, (int)Math.min(len, left));
            if (n > 0)
            {
                left -= n;
            }
            return n;
        }
    }

    private static void syncDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignored)
        {
            // Some file systems refuse to open or sync a directory; the rename itself is still atomic.
        }
    }
}
