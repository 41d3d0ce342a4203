package io.dispatch.bench.policy;

/**
 * Deterministic, well-spread 64-bit key hashes: key {@code i} is the SplitMix64 finaliser of {@code i},
 * standing in for {@code DedupIndex.hash} of a real key without allocating. Stateless; thread-safe.
 */
final class DedupKeys
{
    private DedupKeys()
    {
    }

    static long key(final long i)
    {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }
}
