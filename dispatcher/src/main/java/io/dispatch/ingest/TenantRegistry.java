package io.dispatch.ingest;

import io.dispatch.config.ApiKey;
import io.dispatch.config.TenantConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Tenants by name and by id, with constant-time key checks. The tenants are immutable after construction; the
 * one mutable part is the cache of recent verifications of hashed keys, which is thread-safe.
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

    private final Map<String, TenantConfig> byName = new HashMap<>();
    private final byte[][] nameBytesById;
    private final String[] nameById;
    /** Per tenant id, two slots (apiKey, apiKeyNext): the last successful verification of a hashed key. */
    private final AtomicReferenceArray<Verified> verified;

    private record Verified(byte[] digest, long expiresMs)
    {
    }

    public TenantRegistry(final List<TenantConfig> tenants)
    {
        int maxId = 0;
        for (final TenantConfig t : tenants)
        {
            byName.put(t.name(), t);
            maxId = Math.max(maxId, t.id());
        }
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
            if (v != null && v.expiresMs > nowMs && MessageDigest.isEqual(v.digest, digest))
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
                verified.set(2 * t.id() + slot, new Verified(digest.clone(), nowMs + VERIFIED_TTL_MS));
                return true;
            }
        }
        return false;
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
