package io.dispatch.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A tenant and its API key. The key is {@code tenant.<name>.apiKey}, or read from the environment
 * variable named by {@code tenant.<name>.apiKeyEnv}, so secrets need not sit in the file.
 * <p>
 * {@link #readAll} numbers tenants in list order; the engine replaces those ids with the ones persisted in
 * its data dir ({@link io.dispatch.journal.TenantIds}), so an id never depends on the list order.
 * {@code pinnedId} is the optional {@code tenant.<name>.id} (0 when not set): checked against the persisted one.
 */
public record TenantConfig(int id, String name, String apiKey, int pinnedId)
{
    public static final int MAX_TENANTS = 4096;

    public TenantConfig(final int id, final String name, final String apiKey)
    {
        this(id, name, apiKey, 0);
    }

    public TenantConfig withId(final int newId)
    {
        return new TenantConfig(newId, name, apiKey, pinnedId);
    }

    @Override
    public String toString()
    {
        return "TenantConfig[" + id + ", " + name + ", apiKey=****]";
    }

    static List<TenantConfig> readAll(final Settings s)
    {
        final List<TenantConfig> out = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final String names = s.string(Configuration.TENANTS_PROP_NAME, Configuration.TENANTS_DEFAULT);
        int id = 1;
        for (final String raw : names.split(","))
        {
            final String name = raw.trim();
            if (name.isEmpty())
            {
                continue;
            }
            if (name.length() > 64)
            {
                throw new ConfigurationException(Configuration.TENANTS_PROP_NAME, "tenant name longer than 64: " + name);
            }
            if (!seen.add(name))
            {
                throw new ConfigurationException(Configuration.TENANTS_PROP_NAME,
                    "tenant " + name + " is listed twice");
            }
            final String keyProp = Configuration.TENANT_PREFIX + name + ".apiKey";
            final String envProp = Configuration.TENANT_PREFIX + name + ".apiKeyEnv";
            String key = s.string(keyProp, null);
            final String env = s.string(envProp, null);
            if (env != null)
            {
                key = System.getenv(env);
                if (key == null || key.isEmpty())
                {
                    throw new ConfigurationException(envProp, "environment variable " + env + " is not set");
                }
            }
            if (key == null)
            {
                key = "demo".equals(name) ? "demo-key" : null;
            }
            if (key == null || key.isEmpty())
            {
                throw new ConfigurationException(keyProp, "tenant " + name + " has no API key");
            }
            final int pinned =
                s.integer(Configuration.TENANT_PREFIX + name + "." + Configuration.TENANT_ID, 0, 1, MAX_TENANTS - 1);
            out.add(new TenantConfig(id++, name, key, pinned));
        }
        if (out.isEmpty() || out.size() >= MAX_TENANTS)
        {
            throw new ConfigurationException(Configuration.TENANTS_PROP_NAME, "need 1.." + (MAX_TENANTS - 1) + " tenants");
        }
        return List.copyOf(out);
    }
}
