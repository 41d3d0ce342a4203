package io.dispatch.directory;

import io.dispatch.protocol.SubmitDescriptor;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Push tokens per recipient, as one arena entry per recipient: u8 count, then per token u8 flags (bit 0 fcm,
 * bit 1 invalidated), u8 length, token bytes. A token-hash → ordinal index lets INVALIDATE_TOKEN (APNs 410,
 * FCM UNREGISTERED) find the recipient; the hit is verified against the stored bytes, so a 64-bit hash
 * collision makes an invalidation miss instead of marking the wrong token. Invalidated token hashes are
 * remembered, so a late CRM import carrying a dead token does not revive it. A token registered by a second
 * recipient moves the index entry to that recipient. <b>Note:</b> single writer.
 */
final class PushTokens
{
    static final int MAX_TOKENS = 32;
    private static final int FCM = 1;
    private static final int INVALID = 2;
    private static final byte[] APNS_PREFIX = {'a', 'p', 'n', 's', ':'};
    private static final byte[] FCM_PREFIX = {'f', 'c', 'm', ':'};

    private final ByteArena arena;
    private final LongColumn refs = new LongColumn();
    private final Long2LongHashMap ordinalByToken = new Long2LongHashMap(1 << 12, 0.65f, -1);
    private final LongHashSet invalidated = new LongHashSet();
    private final RoaringBitmap reachable = new RoaringBitmap();
    private final byte[] scratch = new byte[ByteArena.MAX_ENTRY];

    PushTokens(final ByteArena arena)
    {
        this.arena = arena;
    }

    int count(final int ordinal)
    {
        final long ref = refs.get(ordinal);
        return ref == 0 ? 0 : arena.chunk(ref)[arena.dataAt(ref)] & 0xFF;
    }

    void add(final int ordinal, final boolean fcm, final byte[] b, final int offset, final int length)
    {
        final long hash = hash(fcm, b, offset, length);
        if (find(ordinal, fcm, b, offset, length) >= 0)
        {
            return;
        }
        final int copied = copyEntries(ordinal, -1);
        int p = 1 + copied;
        scratch[p++] = (byte)((fcm ? FCM : 0) | (invalidated.contains(hash) ? INVALID : 0));
        scratch[p++] = (byte)length;
        System.arraycopy(b, offset, scratch, p, length);
        p += length;
        scratch[0] = (byte)(count(ordinal) + 1);
        store(ordinal, p);
        ordinalByToken.put(hash, ordinal);
    }

    void remove(final int ordinal, final boolean fcm, final byte[] b, final int offset, final int length)
    {
        final int at = find(ordinal, fcm, b, offset, length);
        if (at < 0)
        {
            return;
        }
        final int count = count(ordinal);
        unindex(ordinal, hash(fcm, b, offset, length));
        if (count == 1)
        {
            refs.set(ordinal, 0);
            reachable.remove(ordinal);
            return;
        }
        final int copied = copyEntries(ordinal, at);
        scratch[0] = (byte)(count - 1);
        store(ordinal, 1 + copied);
    }

    void clear(final int ordinal)
    {
        final long ref = refs.get(ordinal);
        if (ref == 0)
        {
            return;
        }
        final byte[] chunk = arena.chunk(ref);
        int p = arena.dataAt(ref);
        final int count = chunk[p++] & 0xFF;
        for (int i = 0; i < count; i++)
        {
            final int length = chunk[p + 1] & 0xFF;
            unindex(ordinal, hash((chunk[p] & FCM) != 0, chunk, p + 2, length));
            p += 2 + length;
        }
        refs.set(ordinal, 0);
        reachable.remove(ordinal);
    }

    /** Marks the token dead wherever it is, now and for later registrations of the same token. */
    void invalidate(final boolean fcm, final byte[] b, final int offset, final int length)
    {
        final long hash = hash(fcm, b, offset, length);
        invalidated.add(hash);
        final long ordinal = ordinalByToken.get(hash);
        if (ordinal < 0)
        {
            return;
        }
        final int at = find((int)ordinal, fcm, b, offset, length);
        if (at >= 0)
        {
            final long ref = refs.get((int)ordinal);
            arena.chunk(ref)[arena.dataAt(ref) + at] |= INVALID;
            updateReachable((int)ordinal);
        }
    }

    /** Ordinals with at least one valid token (do not mutate). */
    RoaringBitmap reachable()
    {
        return reachable;
    }

    /**
     * Writes "apns:token" or "fcm:token" of the first valid token a SUBMIT can name (its recipient field holds
     * 255 bytes). @return bytes, 0 when none, -1 when it does not fit.
     */
    int firstValid(final int ordinal, final byte[] dst, final int at)
    {
        if (validTokens(ordinal, scratch, 0, 1) == 0)
        {
            return 0;
        }
        final int length = scratch[0] & 0xFF;
        if (at + length > dst.length)
        {
            return -1;
        }
        System.arraycopy(scratch, 1, dst, at, length);
        return length;
    }

    /**
     * Writes each valid token as a u8 length and "apns:token" or "fcm:token", leaving out those longer than a
     * SUBMIT's recipient field. @return bytes written.
     */
    int validTokens(final int ordinal, final byte[] dst, final int at)
    {
        return validTokens(ordinal, dst, at, MAX_TOKENS);
    }

    private int validTokens(final int ordinal, final byte[] dst, final int at, final int max)
    {
        final long ref = refs.get(ordinal);
        if (ref == 0)
        {
            return 0;
        }
        final byte[] chunk = arena.chunk(ref);
        int p = arena.dataAt(ref);
        final int count = chunk[p++] & 0xFF;
        int q = at;
        for (int i = 0, written = 0; i < count && written < max; i++)
        {
            final int flags = chunk[p];
            final int length = chunk[p + 1] & 0xFF;
            final byte[] prefix = (flags & FCM) != 0 ? FCM_PREFIX : APNS_PREFIX;
            if ((flags & INVALID) == 0 && prefix.length + length <= SubmitDescriptor.MAX_RECIPIENT_LENGTH)
            {
                dst[q] = (byte)(prefix.length + length);
                System.arraycopy(prefix, 0, dst, q + 1, prefix.length);
                System.arraycopy(chunk, p + 2, dst, q + 1 + prefix.length, length);
                q += 1 + prefix.length + length;
                written++;
            }
            p += 2 + length;
        }
        return q - at;
    }

    /** @return the offset within the entry's data of the token's flags byte, or -1. */
    private int find(final int ordinal, final boolean fcm, final byte[] b, final int offset, final int length)
    {
        final long ref = refs.get(ordinal);
        if (ref == 0)
        {
            return -1;
        }
        final byte[] chunk = arena.chunk(ref);
        final int start = arena.dataAt(ref);
        int p = start;
        final int count = chunk[p++] & 0xFF;
        for (int i = 0; i < count; i++)
        {
            final int tokenLength = chunk[p + 1] & 0xFF;
            if (((chunk[p] & FCM) != 0) == fcm && tokenLength == length
                && java.util.Arrays.equals(chunk, p + 2, p + 2 + length, b, offset, offset + length))
            {
                return p - start;
            }
            p += 2 + tokenLength;
        }
        return -1;
    }

    /** Copies the ordinal's token entries except the one at {@code skipAt} into scratch from 1. @return bytes copied. */
    private int copyEntries(final int ordinal, final int skipAt)
    {
        final long ref = refs.get(ordinal);
        if (ref == 0)
        {
            return 0;
        }
        final byte[] chunk = arena.chunk(ref);
        final int start = arena.dataAt(ref);
        final int count = chunk[start] & 0xFF;
        int p = start + 1;
        int q = 1;
        for (int i = 0; i < count; i++)
        {
            final int entryLength = 2 + (chunk[p + 1] & 0xFF);
            if (p - start != skipAt)
            {
                System.arraycopy(chunk, p, scratch, q, entryLength);
                q += entryLength;
            }
            p += entryLength;
        }
        return q - 1;
    }

    private void store(final int ordinal, final int length)
    {
        refs.set(ordinal, arena.append(scratch, 0, length));
        updateReachable(ordinal);
    }

    private void updateReachable(final int ordinal)
    {
        final long ref = refs.get(ordinal);
        boolean any = false;
        if (ref != 0)
        {
            final byte[] chunk = arena.chunk(ref);
            int p = arena.dataAt(ref);
            final int count = chunk[p++] & 0xFF;
            for (int i = 0; i < count && !any; i++)
            {
                any = (chunk[p] & INVALID) == 0;
                p += 2 + (chunk[p + 1] & 0xFF);
            }
        }
        if (any)
        {
            reachable.add(ordinal);
        }
        else
        {
            reachable.remove(ordinal);
        }
    }

    private void unindex(final int ordinal, final long hash)
    {
        if (ordinalByToken.get(hash) == ordinal)
        {
            ordinalByToken.remove(hash);
        }
    }

    private static long hash(final boolean fcm, final byte[] b, final int offset, final int length)
    {
        return Hashing.hash64(b, offset, length) * 31 + (fcm ? 1 : 0);
    }

    void write(final DataOutput out, final int size) throws IOException
    {
        refs.write(out, size);
        out.writeInt(invalidated.size());
        final LongHashSet.LongIterator it = invalidated.iterator();
        while (it.hasNext())
        {
            out.writeLong(it.nextValue());
        }
    }

    /** Reads the columns and rebuilds the token index and reachability; {@code live} orders the rebuild. */
    void read(final DataInput in, final int size, final RoaringBitmap live) throws IOException
    {
        refs.read(in, size);
        final int invalidCount = in.readInt();
        for (int i = 0; i < invalidCount; i++)
        {
            invalidated.add(in.readLong());
        }
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            final long ref = refs.get(ordinal);
            if (ref == 0 || !live.contains(ordinal))
            {
                continue;
            }
            final byte[] chunk = arena.chunk(ref);
            int p = arena.dataAt(ref);
            final int count = chunk[p++] & 0xFF;
            for (int i = 0; i < count; i++)
            {
                final int length = chunk[p + 1] & 0xFF;
                ordinalByToken.put(hash((chunk[p] & FCM) != 0, chunk, p + 2, length), ordinal);
                p += 2 + length;
            }
            updateReachable(ordinal);
        }
    }
}
