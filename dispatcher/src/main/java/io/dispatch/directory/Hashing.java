package io.dispatch.directory;

/** 64-bit hashes of byte ranges for the id and token indexes. Stateless. */
final class Hashing
{
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long M = 0xC6A4A7935BD1E995L;

    private Hashing()
    {
    }

    /** A murmur-style 64-bit hash: 8 bytes per round, then a final avalanche. */
    static long hash64(final byte[] b, final int offset, final int length)
    {
        long h = SEED ^ (length * M);
        int i = offset;
        final int end = offset + length;
        while (i + 8 <= end)
        {
            long k = (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48 | (b[i + 7] & 0xFFL) << 56;
            k *= M;
            k ^= k >>> 47;
            k *= M;
            h ^= k;
            h *= M;
            i += 8;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8)
        {
            tail |= (b[i] & 0xFFL) << shift;
        }
        h ^= tail;
        h *= M;
        h ^= h >>> 47;
        h *= M;
        h ^= h >>> 47;
        return h;
    }
}
