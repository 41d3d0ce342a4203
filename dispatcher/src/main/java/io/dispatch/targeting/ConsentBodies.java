package io.dispatch.targeting;

import io.dispatch.protocol.ConsentFrame;

import java.util.Arrays;

/**
 * CONSENT bodies in the layout of a client's CONSENT frame ({@link ConsentFrame}), waiting to be published into
 * the dispatch ring. The buffers grow to the largest frame's restrictions and are then reused.
 * <p>
 * <b>Note:</b> not thread-safe; the targeting thread's.
 */
final class ConsentBodies
{
    private byte[] data = new byte[4096];
    /** Start of each body in {@link #data}; a body ends where the next one starts. */
    private int[] starts = new int[64];
    private int count;
    private int length;
    private int links;

    /**
     * Appends one body: channel, set and clear flags, the address, and a source made of a prefix and the
     * recipient id (the evidence; at most 255 bytes together).
     */
    void add(final int channel, final int set, final int clear, final byte[] address, final int addressAt,
        final int addressLength, final byte[] sourcePrefix, final byte[] id, final int idAt, final int idLength)
    {
        add(ConsentFrame.CONSENT, channel, set, clear, address, addressAt, addressLength, sourcePrefix, id, idAt,
            idLength);
    }

    /** Appends an address link ({@link ConsentFrame#LINK} or {@link ConsentFrame#UNLINK}) to the recipient id. */
    void addLink(final byte kind, final int channel, final byte[] address, final int addressAt, final int addressLength,
        final byte[] sourcePrefix, final byte[] id, final int idAt, final int idLength)
    {
        add(kind, channel, 0, 0, address, addressAt, addressLength, sourcePrefix, id, idAt, idLength);
        links++;
    }

    private void add(final byte kind, final int channel, final int set, final int clear, final byte[] address,
        final int addressAt, final int addressLength, final byte[] sourcePrefix, final byte[] id, final int idAt,
        final int idLength)
    {
        final int sourceLength = sourcePrefix.length + idLength;
        final int bodyLength = ConsentFrame.RECIPIENT_LENGTH_OFFSET + 1 + addressLength + 1 + sourceLength;
        if (count == starts.length)
        {
            starts = Arrays.copyOf(starts, count * 2);
        }
        if (length + bodyLength > data.length)
        {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + bodyLength));
        }
        starts[count++] = length;
        final byte[] b = data;
        int p = length;
        b[p++] = (byte)channel;
        b[p++] = kind;
        b[p++] = (byte)set;
        b[p++] = (byte)(set >>> 8);
        b[p++] = (byte)clear;
        b[p++] = (byte)(clear >>> 8);
        b[p++] = (byte)addressLength;
        System.arraycopy(address, addressAt, b, p, addressLength);
        p += addressLength;
        b[p++] = (byte)sourceLength;
        System.arraycopy(sourcePrefix, 0, b, p, sourcePrefix.length);
        System.arraycopy(id, idAt, b, p + sourcePrefix.length, idLength);
        length = p + sourceLength;
    }

    int count()
    {
        return count;
    }

    /** @return how many of the bodies are address links rather than consent restrictions. */
    int links()
    {
        return links;
    }

    boolean isEmpty()
    {
        return count == 0;
    }

    /** The buffer holding every body; valid until the next {@link #add}. */
    byte[] data()
    {
        return data;
    }

    int offset(final int index)
    {
        return starts[index];
    }

    int length(final int index)
    {
        return (index + 1 < count ? starts[index + 1] : length) - starts[index];
    }

    void clear()
    {
        count = 0;
        length = 0;
        links = 0;
    }
}
