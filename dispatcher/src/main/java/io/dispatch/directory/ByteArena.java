package io.dispatch.directory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Append-only storage of short byte strings (ids, phones, chat keys, push-token lists) in 256 KiB chunks,
 * addressed by a long reference; 0 is never a reference, so a zeroed column cell means "none". An entry is
 * a u16 length and the bytes and never spans chunks. Replaced values stay behind as garbage (snapshots
 * carry it too; compaction is not done yet). <b>Note:</b> single writer.
 */
final class ByteArena
{
    static final int MAX_ENTRY = 0xFFFF;
    // 256 KiB: under half of the smallest G1 region (1 MiB), so chunks are never humongous objects.
    private static final int CHUNK_SHIFT = 18;
    private static final int CHUNK = 1 << CHUNK_SHIFT;

    private byte[][] chunks = new byte[4][];
    private long end = 1;

    /** @return the reference of a copy of the bytes. */
    long append(final byte[] src, final int offset, final int length)
    {
        final long ref = reserve(length);
        System.arraycopy(src, offset, chunk(ref), pos(ref) + 2, length);
        return ref;
    }

    /** Room for an entry of {@code length} bytes whose content the caller writes at {@link #dataAt}. */
    long reserve(final int length)
    {
        if (length > MAX_ENTRY)
        {
            throw new IllegalArgumentException("arena entry of " + length + " bytes");
        }
        final int need = length + 2;
        if ((end & (CHUNK - 1)) + need > CHUNK)
        {
            end = ((end >>> CHUNK_SHIFT) + 1) << CHUNK_SHIFT;
        }
        final int c = (int)(end >>> CHUNK_SHIFT);
        if (c >= chunks.length)
        {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        if (chunks[c] == null)
        {
            chunks[c] = new byte[CHUNK];
        }
        final long ref = end;
        final byte[] chunk = chunks[c];
        final int p = pos(ref);
        chunk[p] = (byte)length;
        chunk[p + 1] = (byte)(length >>> 8);
        end += need;
        return ref;
    }

    byte[] chunk(final long ref)
    {
        return chunks[(int)(ref >>> CHUNK_SHIFT)];
    }

    /** Offset in {@link #chunk} of the entry's first data byte. */
    int dataAt(final long ref)
    {
        return pos(ref) + 2;
    }

    int length(final long ref)
    {
        final byte[] chunk = chunk(ref);
        final int p = pos(ref);
        return (chunk[p] & 0xFF) | (chunk[p + 1] & 0xFF) << 8;
    }

    boolean equals(final long ref, final byte[] b, final int offset, final int length)
    {
        return length(ref) == length
            && Arrays.equals(chunk(ref), dataAt(ref), dataAt(ref) + length, b, offset, offset + length);
    }

    /** @return bytes copied into dst at {@code at}, or -1 when they do not fit. */
    int copyTo(final long ref, final byte[] dst, final int at)
    {
        final int length = length(ref);
        if (at + length > dst.length)
        {
            return -1;
        }
        System.arraycopy(chunk(ref), dataAt(ref), dst, at, length);
        return length;
    }

    long usedBytes()
    {
        return end;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeLong(end);
        final int lastChunk = (int)((end - 1) >>> CHUNK_SHIFT);
        for (int c = 0; c <= lastChunk; c++)
        {
            final int length = c == lastChunk ? (int)(end - ((long)c << CHUNK_SHIFT)) : CHUNK;
            out.write(chunks[c] == null ? new byte[length] : chunks[c], 0, length);
        }
    }

    void read(final DataInput in) throws IOException
    {
        end = in.readLong();
        final int lastChunk = (int)((end - 1) >>> CHUNK_SHIFT);
        chunks = new byte[Math.max(4, Integer.highestOneBit(lastChunk + 1) * 2)][];
        for (int c = 0; c <= lastChunk; c++)
        {
            chunks[c] = new byte[CHUNK];
            final int length = c == lastChunk ? (int)(end - ((long)c << CHUNK_SHIFT)) : CHUNK;
            in.readFully(chunks[c], 0, length);
        }
    }

    private static int pos(final long ref)
    {
        return (int)(ref & (CHUNK - 1));
    }
}
