package io.dispatch.connector.push;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of a connector's settings with errors that name the full key
 * ({@code lane.push.connector.apns.keyFile}), so an operator can find the line to fix.
 */
public final class SettingsReader
{
    private final Map<String, String> settings;
    private final String prefix;

    /**
     * @param settings the connector's settings (keys without the lane prefix).
     * @param prefix   what to print before a key in errors, e.g. {@code lane.push.connector.}.
     */
    public SettingsReader(final Map<String, String> settings, final String prefix)
    {
        this.settings = settings;
        this.prefix = prefix;
    }

    /** @throws IllegalArgumentException for a key not in {@code known}. */
    public SettingsReader requireKnown(final Set<String> known)
    {
        for (final String key : settings.keySet())
        {
            if (!known.contains(key))
            {
                throw new IllegalArgumentException(
                    "unknown setting '" + prefix + key + "'; known: " + new java.util.TreeSet<>(known));
            }
        }
        return this;
    }

    public String string(final String key, final String defaultValue)
    {
        final String v = settings.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(final String key)
    {
        final String v = string(key, null);
        if (v == null)
        {
            throw new IllegalArgumentException(prefix + key + " is required");
        }
        return v;
    }

    public long number(final String key, final long defaultValue, final long min, final long max)
    {
        final String v = settings.get(key);
        if (v == null || v.isBlank())
        {
            return defaultValue;
        }
        final long n;
        try
        {
            n = Long.parseLong(v.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(prefix + key + ": '" + v + "' is not a whole number", ex);
        }
        if (n < min || n > max)
        {
            throw new IllegalArgumentException(prefix + key + " must be within [" + min + ", " + max + "], not " + n);
        }
        return n;
    }

    public boolean flag(final String key, final boolean defaultValue)
    {
        final String v = string(key, null);
        if (v == null)
        {
            return defaultValue;
        }
        if (!v.equals("true") && !v.equals("false"))
        {
            throw new IllegalArgumentException(prefix + key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** @return a path that names a readable file; null when optional and absent. */
    public Path file(final String key, final boolean required)
    {
        final String v = required ? required(key) : string(key, null);
        if (v == null)
        {
            return null;
        }
        final Path path = Path.of(v);
        if (!Files.isRegularFile(path) || !Files.isReadable(path))
        {
            throw new IllegalArgumentException(prefix + key + ": '" + v + "' is not a readable file");
        }
        return path;
    }

    public String key(final String key)
    {
        return prefix + key;
    }
}
