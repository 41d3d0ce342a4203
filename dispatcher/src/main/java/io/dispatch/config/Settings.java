package io.dispatch.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Typed, validating reader over the flat key=value configuration (file, then command-line overrides).
 * Errors name the key. Not thread-safe: read once at start.
 */
public final class Settings
{
    private final Properties props;

    public Settings(final Properties props)
    {
        this.props = props;
    }

    public static Settings load(final Path file)
    {
        final Properties p = new Properties();
        if (file != null)
        {
            try (InputStream in = Files.newInputStream(file))
            {
                p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read config file " + file, ex);
            }
        }
        return new Settings(p);
    }

    public Settings set(final String key, final String value)
    {
        props.setProperty(key, value);
        return this;
    }

    public String string(final String key, final String defaultValue)
    {
        final String v = props.getProperty(key);
        return v == null ? defaultValue : v.trim();
    }

    public int integer(final String key, final int defaultValue, final int min, final int max)
    {
        final long v = longValue(key, defaultValue, min, max);
        return (int)v;
    }

    public long longValue(final String key, final long defaultValue, final long min, final long max)
    {
        final String s = props.getProperty(key);
        if (s == null)
        {
            return defaultValue;
        }
        final long v;
        try
        {
            v = Long.parseLong(s.trim().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(key, "'" + s + "' is not a whole number");
        }
        if (v < min || v > max)
        {
            throw new ConfigurationException(key, v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    public double decimal(final String key, final double defaultValue, final double min, final double max)
    {
        final String s = props.getProperty(key);
        if (s == null)
        {
            return defaultValue;
        }
        final double v;
        try
        {
            v = Double.parseDouble(s.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(key, "'" + s + "' is not a number");
        }
        if (!(v >= min && v <= max))
        {
            throw new ConfigurationException(key, v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    public boolean bool(final String key, final boolean defaultValue)
    {
        final String s = props.getProperty(key);
        if (s == null)
        {
            return defaultValue;
        }
        switch (s.trim().toLowerCase(java.util.Locale.ROOT))
        {
            case "true": return true;
            case "false": return false;
            default: throw new ConfigurationException(key, "'" + s + "' is not true or false");
        }
    }

    /** @return the keys that start with {@code prefix}, sorted. */
    public TreeMap<String, String> withPrefix(final String prefix)
    {
        final TreeMap<String, String> out = new TreeMap<>();
        for (final String k : props.stringPropertyNames())
        {
            if (k.startsWith(prefix))
            {
                out.put(k, props.getProperty(k).trim());
            }
        }
        return out;
    }
}
