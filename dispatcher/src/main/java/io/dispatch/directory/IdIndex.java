package io.dispatch.directory;

import org.agrona.collections.Long2LongHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Recipient id → ordinal. The ids' bytes live in the arena (one ref per ordinal, kept after a DELETE so the
 * ordinal still names its recipient); the map is keyed by a 64-bit hash of the id and every hit is verified
 * against the stored bytes. Two different ids with the same hash (a chance of about 3 in 10^6 among 10M ids)
 * are still correct: the second goes to a small overflow map keyed by the id itself.
 * <b>Note:</b> single writer.
 */
final class IdIndex
{
    private final ByteArena arena;
    private final LongColumn refs = new LongColumn();
    private final Long2LongHashMap byHash = new Long2LongHashMap(1 << 16, 0.65f, -1);
    private final Map<String, Integer> overflow = new HashMap<>();

    IdIndex(final ByteArena arena)
    {
        this.arena = arena;
    }

    int find(final byte[] b, final int offset, final int length)
    {
        final int ordinal = (int)byHash.get(Hashing.hash64(b, offset, length));
        if (ordinal >= 0 && arena.equals(refs.get(ordinal), b, offset, length))
        {
            return ordinal;
        }
        if (overflow.isEmpty())
        {
            return -1;
        }
        final Integer o = overflow.get(new String(b, offset, length, StandardCharsets.ISO_8859_1));
        return o == null ? -1 : o;
    }

    /** Records a new ordinal for an id that {@link #find} did not find. */
    void add(final int ordinal, final byte[] b, final int offset, final int length)
    {
        refs.set(ordinal, arena.append(b, offset, length));
        index(ordinal, b, offset, length);
    }

    private void index(final int ordinal, final byte[] b, final int offset, final int length)
    {
        final long hash = Hashing.hash64(b, offset, length);
        if (byHash.get(hash) >= 0)
        {
            overflow.put(new String(b, offset, length, StandardCharsets.ISO_8859_1), ordinal);
        }
        else
        {
            byHash.put(hash, ordinal);
        }
    }

    /** Forgets the id → ordinal mapping (a DELETE); the ordinal keeps its id bytes. */
    void remove(final int ordinal)
    {
        final long ref = refs.get(ordinal);
        final byte[] chunk = arena.chunk(ref);
        final int at = arena.dataAt(ref);
        final int length = arena.length(ref);
        final long hash = Hashing.hash64(chunk, at, length);
        if (byHash.get(hash) == ordinal)
        {
            byHash.remove(hash);
        }
        else
        {
            overflow.remove(new String(chunk, at, length, StandardCharsets.ISO_8859_1));
        }
    }

    int copyId(final int ordinal, final byte[] dst, final int at)
    {
        final long ref = refs.get(ordinal);
        return ref == 0 ? -1 : arena.copyTo(ref, dst, at);
    }

    String id(final int ordinal)
    {
        final long ref = refs.get(ordinal);
        return new String(arena.chunk(ref), arena.dataAt(ref), arena.length(ref), StandardCharsets.UTF_8);
    }

    void write(final DataOutput out, final int size) throws IOException
    {
        refs.write(out, size);
    }

    /** Reads the refs (the arena is read before) and re-indexes the live ordinals. */
    void read(final DataInput in, final int size, final org.roaringbitmap.RoaringBitmap live) throws IOException
    {
        refs.read(in, size);
        final org.roaringbitmap.IntIterator it = live.getIntIterator();
        while (it.hasNext())
        {
            final int ordinal = it.next();
            final long ref = refs.get(ordinal);
            index(ordinal, arena.chunk(ref), arena.dataAt(ref), arena.length(ref));
        }
    }
}
