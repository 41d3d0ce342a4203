package io.dispatch.journal;

import java.io.DataInput;
import java.io.EOFException;
import java.nio.ByteBuffer;

/**
 * {@link DataInput} over a (mapped) buffer: the snapshot loads with one bounds check and one intrinsic read per field,
 * where a {@link java.io.DataInputStream} pays a synchronized buffered read per byte group (it made a 15 MB snapshot
 * take over a second to load in a cold JVM). Big-endian, as {@link java.io.DataOutputStream} wrote it.
 */
final class BufferDataInput implements DataInput
{
    private final ByteBuffer buffer;

    BufferDataInput(final ByteBuffer buffer)
    {
        this.buffer = buffer;
    }

    private void need(final int n) throws EOFException
    {
        if (buffer.remaining() < n)
        {
            throw new EOFException("snapshot ends " + (n - buffer.remaining()) + " bytes early at " + buffer.position());
        }
    }

    @Override
    public void readFully(final byte[] b) throws EOFException
    {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(final byte[] b, final int off, final int len) throws EOFException
    {
        need(len);
        buffer.get(b, off, len);
    }

    @Override
    public int skipBytes(final int n)
    {
        final int skipped = Math.min(n, buffer.remaining());
        buffer.position(buffer.position() + skipped);
        return skipped;
    }

    @Override
    public boolean readBoolean() throws EOFException
    {
        return readByte() != 0;
    }

    @Override
    public byte readByte() throws EOFException
    {
        need(1);
        return buffer.get();
    }

    @Override
    public int readUnsignedByte() throws EOFException
    {
        return readByte() & 0xFF;
    }

    @Override
    public short readShort() throws EOFException
    {
        need(2);
        return buffer.getShort();
    }

    @Override
    public int readUnsignedShort() throws EOFException
    {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws EOFException
    {
        need(2);
        return buffer.getChar();
    }

    @Override
    public int readInt() throws EOFException
    {
        need(4);
        return buffer.getInt();
    }

    @Override
    public long readLong() throws EOFException
    {
        need(8);
        return buffer.getLong();
    }

    @Override
    public float readFloat() throws EOFException
    {
        need(4);
        return buffer.getFloat();
    }

    @Override
    public double readDouble() throws EOFException
    {
        need(8);
        return buffer.getDouble();
    }

    @Override
    public String readLine()
    {
        throw new UnsupportedOperationException("snapshots hold no text lines");
    }

    @Override
    public String readUTF()
    {
        throw new UnsupportedOperationException("snapshots hold no modified-UTF-8 strings");
    }
}
