package io.dispatch.config;


import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Tenants by name and by id, with constant-time key checks. Names and ids are fixed after construction; the keys
 * can be replaced at runtime ({@link #replaceKeys}, a configuration reload), as a whole new immutable map
 * published through one volatile field, and the cache of recent verifications of hashed keys is thread-safe.
 * <p>
 * A hashed key costs a PBKDF2 derivation to check ({@link #verify}, slow by design). A successful one remembers
 * the SHA-256 of the presented key for {@link #VERIFIED_TTL_MS}, so {@link #check} can answer the same key again
 * at the cost of one SHA-256: reconnecting clients do not queue behind the hashing.
 */
public final class TenantRegistry
{
    public static final int MISMATCH = 0;
    public static final int MATCH = 1;
    /** A hashed key that was not verified recently: {@link #verify} must hash it. */
    public static final int NEEDS_HASHING = 2;
    public static final long VERIFIED_TTL_MS = 5 * 60_000L;

    private volatile Map<String, TenantConfig> byName;
    private final byte[][] nameBytesById;
    private final String[] nameById;
    /** Per tenant id, two slots (apiKey, apiKeyNext): the last successful verification of a hashed key. */
    private final AtomicReferenceArray<Verified> verified;

    /** @param key the key it matched: a verification of a key a reload replaced no longer counts. */
    private record Verified(ApiKey key, byte[] digest, long expiresMs)
    {
    }

    public TenantRegistry(final List<TenantConfig> tenants)
    {
        int maxId = 0;
        final Map<String, TenantConfig> names = new HashMap<>();
        for (final TenantConfig t : tenants)
        {
            names.put(t.name(), t);
            maxId = Math.max(maxId, t.id());
        }
        byName = Map.copyOf(names);
        nameBytesById = new byte[maxId + 1][];
        nameById = new String[maxId + 1];
        for (final TenantConfig t : tenants)
        {
            nameBytesById[t.id()] = t.name().getBytes(StandardCharsets.UTF_8);
            nameById[t.id()] = t.name();
        }
        verified = new AtomicReferenceArray<>(2 * (maxId + 1));
    }

    /** @return the tenant of that name, or null. */
    public TenantConfig tenant(final String name)
    {
        return name == null ? null : byName.get(name);
    }

    /** @return SHA-256 of a presented key: what the verification cache compares. */
    public static byte[] digest(final byte[] key)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(key);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is in every JDK", ex);
        }
    }

    /**
     * Cheap, any thread: plain keys are compared, hashed ones only against recent successful verifications.
     *
     * @return {@link #MATCH}, {@link #MISMATCH}, or {@link #NEEDS_HASHING} when a hashed key may still match.
     */
    public int check(final TenantConfig t, final byte[] key, final byte[] digest, final long nowMs)
    {
        boolean hashed = false;
        for (int slot = 0; slot < 2; slot++)
        {
            final ApiKey k = slot == 0 ? t.apiKey() : t.apiKeyNext();
            if (k == null)
            {
                continue;
            }
            if (!k.isHashed())
            {
                if (k.matches(key))
                {
                    return MATCH;
                }
                continue;
            }
            hashed = true;
            final Verified v = verified.get(2 * t.id() + slot);
            if (v != null && v.key == k && v.expiresMs > nowMs && MessageDigest.isEqual(v.digest, digest))
            {
                return MATCH;
            }
        }
        return hashed ? NEEDS_HASHING : MISMATCH;
    }

    /** Slow (one PBKDF2 derivation per hashed key): never on an event loop. A match is remembered. */
    public boolean verify(final TenantConfig t, final byte[] key, final byte[] digest, final long nowMs)
    {
        if (check(t, key, digest, nowMs) == MATCH)
        {
            return true; // verified meanwhile by an earlier HELLO with the same key
        }
        for (int slot = 0; slot < 2; slot++)
        {
            final ApiKey k = slot == 0 ? t.apiKey() : t.apiKeyNext();
            if (k != null && k.isHashed() && k.matches(key))
            {
                verified.set(2 * t.id() + slot, new Verified(k, digest.clone(), nowMs + VERIFIED_TTL_MS));
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the keys of a re-read configuration. The tenants must be the same ones (the same names, no pinned id
     * other than the one each has): adding, removing or renaming a tenant changes the id mapping, which only a
     * restart may do (docs/design/tenants.md). Sessions already authenticated are not affected; the next HELLO
     * is checked against the new keys.
     *
     * @param fresh the tenants as the configuration now lists them (ids in list order, replaced by the current ones).
     * @return null when the keys were replaced, otherwise why nothing was changed.
     */
    public synchronized String replaceKeys(final List<TenantConfig> fresh)
    {
        final Map<String, TenantConfig> current = byName;
        final Map<String, TenantConfig> next = new HashMap<>();
        for (final TenantConfig t : fresh)
        {
            final TenantConfig old = current.get(t.name());
            if (old == null)
            {
                return "tenant " + t.name() + " is not running; adding or renaming a tenant needs a restart";
            }
            if (t.pinnedId() != 0 && t.pinnedId() != old.id())
            {
                return "tenant " + t.name() + " has id " + old.id() + "; tenant." + t.name() + ".id=" + t.pinnedId() +
                    " would give it another one";
            }
            next.put(t.name(), t.withId(old.id()));
        }
        for (final String name : current.keySet())
        {
            if (!next.containsKey(name))
            {
                return "tenant " + name + " is missing from the tenants list; removing or renaming a tenant needs a " +
                    "restart";
            }
        }
        byName = Map.copyOf(next);
        return null;
    }

    public byte[] nameBytes(final int tenantId)
    {
        return nameBytesById[tenantId];
    }

    public String name(final int tenantId)
    {
        return tenantId > 0 && tenantId < nameById.length ? nameById[tenantId] : null;
    }

    /** @return the id of the tenant named in a journal record, or 0 when it is no longer configured. */
    public int idOf(final String name)
    {
        final TenantConfig t = byName.get(name);
        return t == null ? 0 : t.id();
    }
}
