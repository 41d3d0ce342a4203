package io.dispatch.directory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/** As {@link LongColumn}, for ints: dictionary ids, consent flags, source ids. <b>Note:</b> single writer. */
final class IntColumn
{
    private static final int SHIFT = LongColumn.SHIFT;
    private static final int MASK = LongColumn.CHUNK - 1;

    private int[][] chunks = new int[4][];

    int get(final int ordinal)
    {
        final int c = ordinal >>> SHIFT;
        final int[] chunk = c < chunks.length ? chunks[c] : null;
        return chunk == null ? 0 : chunk[ordinal & MASK];
    }

    void set(final int ordinal, final int value)
    {
        final int c = ordinal >>> SHIFT;
        if (c >= chunks.length)
        {
            chunks = java.util.Arrays.copyOf(chunks, Math.max(chunks.length * 2, c + 1));
        }
        int[] chunk = chunks[c];
        if (chunk == null)
        {
            if (value == 0)
            {
                return;
            }
            chunk = chunks[c] = new int[LongColumn.CHUNK];
        }
        chunk[ordinal & MASK] = value;
    }

    /** Writes cells [0, size) in bulk, a chunk at a time. */
    void write(final DataOutput out, final int size) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(LongColumn.CHUNK * Integer.BYTES);
        for (int start = 0; start < size; start += LongColumn.CHUNK)
        {
            final int n = Math.min(LongColumn.CHUNK, size - start);
            final int[] chunk = (start >>> SHIFT) < chunks.length ? chunks[start >>> SHIFT] : null;
            buffer.clear();
            if (chunk == null)
            {
                out.write(new byte[n * Integer.BYTES]);
                continue;
            }
            buffer.asIntBuffer().put(chunk, 0, n);
            out.write(buffer.array(), 0, n * Integer.BYTES);
        }
    }

    void read(final DataInput in, final int size) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(LongColumn.CHUNK * Integer.BYTES);
        chunks = new int[Math.max(4, (size >>> SHIFT) + 1)][];
        for (int start = 0; start < size; start += LongColumn.CHUNK)
        {
            final int n = Math.min(LongColumn.CHUNK, size - start);
            in.readFully(buffer.array(), 0, n * Integer.BYTES);
            final int[] chunk = chunks[start >>> SHIFT] = new int[LongColumn.CHUNK];
            buffer.clear();
            buffer.asIntBuffer().get(chunk, 0, n);
        }
    }
}
