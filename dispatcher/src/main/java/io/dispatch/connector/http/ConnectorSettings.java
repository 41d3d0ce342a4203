package io.dispatch.connector.http;

import io.dispatch.config.ConfigurationException;
import io.dispatch.tls.ServerTls;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed reader over a connector's settings (the keys under {@code lane.<channel>.connector.}). Every error
 * is an {@link IllegalArgumentException} naming the connector type and the key, never the value of a
 * secret. Read once at start; not thread-safe.
 */
public final class ConnectorSettings
{
    private final String type;
    private final Map<String, String> settings;
    private final Function<String, String> environment;

    public ConnectorSettings(final String type, final Map<String, String> settings, final Function<String, String> environment)
    {
        this.type = type;
        this.settings = settings;
        this.environment = environment;
    }

    public static ConnectorSettings of(final String type, final Map<String, String> settings)
    {
        return new ConnectorSettings(type, settings, System::getenv);
    }

    /** Rejects keys the connector does not know, so a typo does not silently fall back to a default. */
    public void requireKnown(final Set<String> known)
    {
        for (final String key : settings.keySet())
        {
            if (!known.contains(key))
            {
                throw fail(key, "unknown setting; known: " + new TreeSet<>(known));
            }
        }
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
            throw fail(key, "required");
        }
        return v;
    }

    public long number(final String key, final long defaultValue, final long min, final long max)
    {
        final String v = string(key, null);
        if (v == null)
        {
            return defaultValue;
        }
        final long n;
        try
        {
            n = Long.parseLong(v.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw fail(key, "'" + v + "' is not a whole number");
        }
        if (n < min || n > max)
        {
            throw fail(key, n + " is outside [" + min + ", " + max + "]");
        }
        return n;
    }

    public boolean bool(final String key, final boolean defaultValue)
    {
        final String v = string(key, null);
        if (v == null)
        {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT))
        {
            case "true": return true;
            case "false": return false;
            default: throw fail(key, "'" + v + "' is not true or false");
        }
    }

    public String oneOf(final String key, final String defaultValue, final Set<String> allowed)
    {
        final String v = string(key, defaultValue);
        if (v != null && !allowed.contains(v))
        {
            throw fail(key, "'" + v + "' is not one of " + new TreeSet<>(allowed));
        }
        return v;
    }

    /** @return an absolute http or https URI without query or fragment. */
    public URI httpUri(final String key, final String defaultValue)
    {
        final String v = defaultValue == null ? required(key) : string(key, defaultValue);
        final URI uri;
        try
        {
            uri = new URI(v);
        }
        catch (final URISyntaxException ex)
        {
            throw fail(key, "'" + v + "' is not a URI: " + ex.getReason());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null)
        {
            throw fail(key, "'" + v + "' must be an absolute http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null)
        {
            throw fail(key, "'" + v + "' must have no query or fragment");
        }
        return uri;
    }

    /**
     * Reads a secret from {@code <name>File} (a file whose trimmed content is the secret) or {@code <name>Env}
     * (the name of an environment variable). Exactly one must be given; the value never appears in errors.
     */
    public Secret secret(final String name)
    {
        final String file = string(name + "File", null);
        final String env = string(name + "Env", null);
        if ((file == null) == (env == null))
        {
            throw fail(name + "File", "give exactly one of " + name + "File or " + name + "Env");
        }
        final String value;
        if (file != null)
        {
            try
            {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            }
            catch (final IOException | RuntimeException ex)
            {
                throw fail(name + "File", "cannot read " + file + " (" + ex.getClass().getSimpleName() + ")");
            }
        }
        else
        {
            final String v = environment.apply(env);
            value = v == null ? "" : v.trim();
            if (value.isEmpty())
            {
                throw fail(name + "Env", "environment variable " + env + " is not set or empty");
            }
        }
        if (value.isEmpty())
        {
            throw fail(name + "File", file + " is empty");
        }
        return new Secret(value);
    }

    /**
     * Reads an optional server certificate and key, {@code <prefix>tlsCertFile} and {@code <prefix>tlsKeyFile}: both
     * or neither.
     *
     * @return the server TLS context, or null when neither is given.
     */
    public SslContext serverTls(final String prefix)
    {
        final String certKey = prefix + "tlsCertFile";
        final String keyKey = prefix + "tlsKeyFile";
        final String cert = string(certKey, null);
        final String key = string(keyKey, null);
        if (cert == null && key == null)
        {
            return null;
        }
        if (cert == null || key == null)
        {
            throw fail(cert == null ? certKey : keyKey, "give both " + certKey + " and " + keyKey + ", or neither");
        }
        try
        {
            return ServerTls.create(certKey, Path.of(cert), keyKey, Path.of(key));
        }
        catch (final ConfigurationException ex)
        {
            throw new IllegalArgumentException(type + " connector " + ex.getMessage());
        }
    }

    /** @return the base URL's path without a trailing slash ("" for none), so an API behind a path prefix works. */
    public static String basePath(final URI baseUrl)
    {
        final String p = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    public IllegalArgumentException fail(final String key, final String problem)
    {
        return new IllegalArgumentException(type + " connector setting '" + key + "': " + problem);
    }
}
