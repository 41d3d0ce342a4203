package io.dispatch.directory;

import org.agrona.collections.Long2ObjectHashMap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Small maps keyed by byte ranges of an op (attribute names, dictionary values, tags), looked up without
 * allocating: by the 64-bit hash of the bytes, verified against the stored key; keys whose hash is taken by
 * another key go to a String-keyed map. <b>Note:</b> single writer.
 */
final class ByteKeyMap<T>
{
    private final Long2ObjectHashMap<Entry<T>> byHash = new Long2ObjectHashMap<>();
    private final Map<String, T> collided = new HashMap<>();

    T get(final byte[] b, final int offset, final int length)
    {
        final Entry<T> e = byHash.get(Hashing.hash64(b, offset, length));
        if (e != null && Arrays.equals(e.key, 0, e.key.length, b, offset, offset + length))
        {
            return e.value;
        }
        return collided.isEmpty() ? null : collided.get(new String(b, offset, length, StandardCharsets.ISO_8859_1));
    }

    /** Adds a key that {@link #get} does not find. */
    void put(final byte[] key, final T value)
    {
        final long hash = Hashing.hash64(key, 0, key.length);
        if (byHash.containsKey(hash))
        {
            collided.put(new String(key, StandardCharsets.ISO_8859_1), value);
        }
        else
        {
            byHash.put(hash, new Entry<>(key, value));
        }
    }

    private static final class Entry<T>
    {
        final byte[] key;
        final T value;

        Entry(final byte[] key, final T value)
        {
            this.key = key;
            this.value = value;
        }
    }
}
