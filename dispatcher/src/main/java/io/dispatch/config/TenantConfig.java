package io.dispatch.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A tenant and its API keys. The key is {@code tenant.<name>.apiKey}, or read from the environment
 * variable named by {@code tenant.<name>.apiKeyEnv}, so secrets need not sit in the file. An optional second key,
 * {@code apiKeyNext} (or {@code apiKeyNextEnv}), is valid at the same time, for rotation. Either may be a salted
 * hash ({@link ApiKey}).
 * <p>
 * {@link #readAll} numbers tenants in list order; the engine replaces those ids with the ones persisted in
 * its data dir ({@link io.dispatch.journal.TenantIds}), so an id never depends on the list order.
 * {@code pinnedId} is the optional {@code tenant.<name>.id} (0 when not set): checked against the persisted one.
 */
public record TenantConfig(int id, String name, ApiKey apiKey, ApiKey apiKeyNext, int pinnedId)
{
    public static final int MAX_TENANTS = 4096;

    public TenantConfig(final int id, final String name, final String apiKey)
    {
        this(id, name, apiKey, 0);
    }

    public TenantConfig(final int id, final String name, final String apiKey, final int pinnedId)
    {
        this(id, name, ApiKey.parse(apiKey, Configuration.TENANT_PREFIX + name + "." + Configuration.TENANT_API_KEY),
            null, pinnedId);
    }

    public TenantConfig withId(final int newId)
    {
        return new TenantConfig(newId, name, apiKey, apiKeyNext, pinnedId);
    }

    /** @return how the keys are stored, never the keys: {@code apiKey=****(plain)}, ... */
    public String describeKeys()
    {
        return "apiKey=" + apiKey + (apiKeyNext == null ? "" : " apiKeyNext=" + apiKeyNext);
    }

    @Override
    public String toString()
    {
        return "TenantConfig[" + id + ", " + name + ", " + describeKeys() + "]";
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
            final String prefix = Configuration.TENANT_PREFIX + name + ".";
            String key = readKey(s, prefix + Configuration.TENANT_API_KEY);
            if (key == null)
            {
                key = "demo".equals(name) ? "demo-key" : null;
            }
            if (key == null)
            {
                throw new ConfigurationException(prefix + Configuration.TENANT_API_KEY, "tenant " + name + " has no API key");
            }
            final String next = readKey(s, prefix + Configuration.TENANT_API_KEY_NEXT);
            final int pinned = s.integer(prefix + Configuration.TENANT_ID, 0, 1, MAX_TENANTS - 1);
            out.add(new TenantConfig(id++, name, ApiKey.parse(key, keyNameOf(s, prefix + Configuration.TENANT_API_KEY)),
                next == null ? null : ApiKey.parse(next, keyNameOf(s, prefix + Configuration.TENANT_API_KEY_NEXT)),
                pinned));
        }
        if (out.isEmpty() || out.size() >= MAX_TENANTS)
        {
            throw new ConfigurationException(Configuration.TENANTS_PROP_NAME, "need 1.." + (MAX_TENANTS - 1) + " tenants");
        }
        return List.copyOf(out);
    }

    /** @return the value of {@code keyProp}, or of the environment variable {@code keyProp + "Env"} names, or null. */
    private static String readKey(final Settings s, final String keyProp)
    {
        final String envProp = keyProp + "Env";
        final String env = s.string(envProp, null);
        if (env != null)
        {
            final String key = System.getenv(env);
            if (key == null || key.isEmpty())
            {
                throw new ConfigurationException(envProp, "environment variable " + env + " is not set");
            }
            return key;
        }
        final String key = s.string(keyProp, null);
        if (key != null && key.isEmpty())
        {
            throw new ConfigurationException(keyProp, "an API key cannot be empty");
        }
        return key;
    }

    /** The key an error about the value should name: the {@code ...Env} one when the value came from there. */
    private static String keyNameOf(final Settings s, final String keyProp)
    {
        return s.string(keyProp + "Env", null) != null ? keyProp + "Env" : keyProp;
    }
}
