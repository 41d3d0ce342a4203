package io.dispatch.directory;

import io.dispatch.protocol.ConsentFlags;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Consent per recipient and channel (1 sms, 2 push, 3 chat): the {@link ConsentFlags} bits, when they last
 * changed and the dictionary-encoded source of that change (the evidence §50 asks for), plus one bitmap per
 * channel and flag for the segment predicates. <b>Note:</b> single writer.
 */
final class ConsentStore
{
    static final int CHANNELS = 3;
    private static final int BITS_PER_CHANNEL = 4;
    private static final int[] FLAGS = {ConsentFlags.AD, ConsentFlags.NIGHT_AD, ConsentFlags.OPTED_OUT};

    private final IntColumn flags = new IntColumn();
    private final LongColumn[] times = new LongColumn[CHANNELS + 1];
    private final IntColumn[] sources = new IntColumn[CHANNELS + 1];
    private final StringDictionary sourceNames = new StringDictionary();
    /** [channel][flag index]: ad, night ad, opted out. */
    private final RoaringBitmap[][] bitmaps = new RoaringBitmap[CHANNELS + 1][FLAGS.length];

    ConsentStore()
    {
        for (int c = 1; c <= CHANNELS; c++)
        {
            times[c] = new LongColumn();
            sources[c] = new IntColumn();
            for (int f = 0; f < FLAGS.length; f++)
            {
                bitmaps[c][f] = new RoaringBitmap();
            }
        }
    }

    /** @param channel 1..3, or 0 for every channel. */
    /** @param sourceAt the offset in {@code b} of the source's u8 length, then its UTF-8 bytes. */
    void apply(final int ordinal, final int channel, final int set, final int clear, final long atMs,
        final byte[] b, final int sourceAt)
    {
        final int sourceId = sourceNames.idOf(b, sourceAt + 1, b[sourceAt] & 0xFF);
        int all = flags.get(ordinal);
        for (int c = 1; c <= CHANNELS; c++)
        {
            if (channel == 0 || channel == c)
            {
                final int shift = c * BITS_PER_CHANNEL;
                final int old = all >>> shift & 0xF;
                final int now = (old | set) & ~clear & ConsentFlags.ALL;
                all = all & ~(0xF << shift) | now << shift;
                updateBitmaps(ordinal, c, old, now);
                times[c].set(ordinal, atMs);
                sources[c].set(ordinal, sourceId);
            }
        }
        flags.set(ordinal, all);
    }

    void clear(final int ordinal)
    {
        final int all = flags.get(ordinal);
        for (int c = 1; c <= CHANNELS; c++)
        {
            updateBitmaps(ordinal, c, all >>> (c * BITS_PER_CHANNEL) & 0xF, 0);
            times[c].set(ordinal, 0);
            sources[c].set(ordinal, 0);
        }
        flags.set(ordinal, 0);
    }

    private void updateBitmaps(final int ordinal, final int channel, final int old, final int now)
    {
        for (int f = 0; f < FLAGS.length; f++)
        {
            final boolean was = (old & FLAGS[f]) != 0;
            final boolean is = (now & FLAGS[f]) != 0;
            if (was != is)
            {
                if (is)
                {
                    bitmaps[channel][f].add(ordinal);
                }
                else
                {
                    bitmaps[channel][f].remove(ordinal);
                }
            }
        }
    }

    int flags(final int ordinal, final int channel)
    {
        return channel < 1 || channel > CHANNELS ? 0 : flags.get(ordinal) >>> (channel * BITS_PER_CHANNEL) & 0xF;
    }

    long atMs(final int ordinal, final int channel)
    {
        return channel < 1 || channel > CHANNELS ? 0 : times[channel].get(ordinal);
    }

    /** @return the source of the last change on the channel, or null. */
    String source(final int ordinal, final int channel)
    {
        final int id = channel < 1 || channel > CHANNELS ? 0 : sources[channel].get(ordinal);
        return id == 0 ? null : sourceNames.value(id);
    }

    /** Ordinals with the flag ({@link ConsentFlags} bit) on the channel (do not mutate). */
    RoaringBitmap withFlag(final int channel, final int flag)
    {
        return bitmaps[channel][Integer.numberOfTrailingZeros(flag)];
    }

    long sizeInBytes()
    {
        long bytes = 0;
        for (int c = 1; c <= CHANNELS; c++)
        {
            for (final RoaringBitmap bitmap : bitmaps[c])
            {
                bytes += bitmap.getLongSizeInBytes();
            }
        }
        return bytes;
    }

    void write(final DataOutput out, final int size) throws IOException
    {
        sourceNames.write(out);
        flags.write(out, size);
        for (int c = 1; c <= CHANNELS; c++)
        {
            times[c].write(out, size);
            sources[c].write(out, size);
        }
    }

    void read(final DataInput in, final int size) throws IOException
    {
        sourceNames.read(in);
        flags.read(in, size);
        for (int c = 1; c <= CHANNELS; c++)
        {
            times[c].read(in, size);
            sources[c].read(in, size);
        }
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            final int all = flags.get(ordinal);
            for (int c = 1; all != 0 && c <= CHANNELS; c++)
            {
                updateBitmaps(ordinal, c, 0, all >>> (c * BITS_PER_CHANNEL) & 0xF);
            }
        }
    }
}
