package io.dispatch.directory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A growable column of longs indexed by ordinal, in chunks of {@value #CHUNK} so growth never copies the
 * column (no 80 MB array copies while loading 10M recipients). Unwritten cells read 0.
 * <b>Note:</b> single writer.
 */
final class LongColumn
{
    // 32K cells: a long chunk is 256 KiB, under half of the smallest G1 region, so never a humongous object.
    static final int SHIFT = 15;
    static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private long[][] chunks = new long[4][];

    long get(final int ordinal)
    {
        final int c = ordinal >>> SHIFT;
        final long[] chunk = c < chunks.length ? chunks[c] : null;
        return chunk == null ? 0 : chunk[ordinal & MASK];
    }

    void set(final int ordinal, final long value)
    {
        final int c = ordinal >>> SHIFT;
        if (c >= chunks.length)
        {
            chunks = java.util.Arrays.copyOf(chunks, Math.max(chunks.length * 2, c + 1));
        }
        long[] chunk = chunks[c];
        if (chunk == null)
        {
            if (value == 0)
            {
                return;
            }
            chunk = chunks[c] = new long[CHUNK];
        }
        chunk[ordinal & MASK] = value;
    }

    /** Writes cells [0, size) in bulk, a chunk at a time. */
    void write(final DataOutput out, final int size) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK * Long.BYTES);
        for (int start = 0; start < size; start += CHUNK)
        {
            final int n = Math.min(CHUNK, size - start);
            final long[] chunk = (start >>> SHIFT) < chunks.length ? chunks[start >>> SHIFT] : null;
            buffer.clear();
            if (chunk == null)
            {
                out.write(new byte[n * Long.BYTES]);
                continue;
            }
            buffer.asLongBuffer().put(chunk, 0, n);
            out.write(buffer.array(), 0, n * Long.BYTES);
        }
    }

    void read(final DataInput in, final int size) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK * Long.BYTES);
        chunks = new long[Math.max(4, (size >>> SHIFT) + 1)][];
        for (int start = 0; start < size; start += CHUNK)
        {
            final int n = Math.min(CHUNK, size - start);
            in.readFully(buffer.array(), 0, n * Long.BYTES);
            final long[] chunk = chunks[start >>> SHIFT] = new long[CHUNK];
            buffer.clear();
            buffer.asLongBuffer().get(chunk, 0, n);
        }
    }
}
