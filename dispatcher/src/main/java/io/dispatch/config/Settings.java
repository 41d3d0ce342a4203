package io.dispatch.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Typed, validating reader over the flat key=value configuration (file, then command-line overrides).
 * Errors name the key. Not thread-safe: read once at start.
 */
public final class Settings
{
    private final Properties props;
    /** Every key a reader asked for, set or not: the keys this engine knows. */
    private final Set<String> asked = new HashSet<>();
    /** Prefixes whose keys a component reads itself (connector settings, templates), which checks them. */
    private final Set<String> askedPrefixes = new HashSet<>();

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
        final String v = get(key);
        return v == null ? defaultValue : v.trim();
    }

    public int integer(final String key, final int defaultValue, final int min, final int max)
    {
        final long v = longValue(key, defaultValue, min, max);
        return (int)v;
    }

    public long longValue(final String key, final long defaultValue, final long min, final long max)
    {
        final String s = get(key);
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
        final String s = get(key);
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
        final String s = get(key);
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
        askedPrefixes.add(prefix);
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

    /**
     * After every reader ran: a key no reader asked for is a typo or a key of another version, which would
     * otherwise be ignored in silence. Call it once the whole configuration was read.
     *
     * @throws ConfigurationException naming the first unknown key (sorted) and the closest known key.
     */
    public void rejectUnknownKeys()
    {
        for (final String key : new TreeSet<>(props.stringPropertyNames()))
        {
            if (asked.contains(key) || askedPrefixes.stream().anyMatch(key::startsWith))
            {
                continue;
            }
            final String closest = closest(key, asked);
            throw new ConfigurationException(key, "unknown key" +
                (closest == null ? "" : "; did you mean '" + closest + "'?") + " (every key is in docs/configuration.md)");
        }
    }

    private String get(final String key)
    {
        asked.add(key);
        return props.getProperty(key);
    }

    /** @return the known key within a few edits of {@code key}, or null. */
    static String closest(final String key, final Set<String> known)
    {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 4) + 1;
        for (final String k : new TreeSet<>(known))
        {
            final int d = editDistance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance)
            {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
