package io.dispatch.ingest;

import io.dispatch.config.TenantConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tenants by name and by id, with constant-time key checks. Immutable after construction. */
public final class TenantRegistry
{
    private final Map<String, TenantConfig> byName = new HashMap<>();
    private final byte[][] nameBytesById;
    private final String[] nameById;

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
    }

    /** @return the tenant when the key matches, else null. */
    public TenantConfig authenticate(final String tenant, final String apiKey)
    {
        final TenantConfig t = byName.get(tenant);
        if (t == null || apiKey == null)
        {
            return null;
        }
        final boolean ok = MessageDigest.isEqual(
            t.apiKey().getBytes(StandardCharsets.UTF_8), apiKey.getBytes(StandardCharsets.UTF_8));
        return ok ? t : null;
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
