package io.dispatch.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the admin HTTP port binds and the bearer token its protected endpoints ask for
 * (docs/monitoring.md "Admin port access"). A non-loopback bind needs a configured token; on loopback a
 * missing token is generated at start into {@code <data.dir>/admin.token}.
 *
 * The port speaks HTTPS when {@code admin.tls.certFile} and {@code admin.tls.keyFile} are set (read and checked
 * when the admin server starts).
 *
 * @param token       the configured token, or null when the engine is to generate one.
 * @param tlsCertFile PEM certificate chain, leaf first; null = plain HTTP.
 * @param tlsKeyFile  PEM PKCS#8 private key of the leaf certificate.
 */
public record AdminAccess(String host, String token, Path tlsCertFile, Path tlsKeyFile)
{
    /** A token shorter than this is too easy to guess for an endpoint that changes rates. */
    public static final int MIN_TOKEN_LENGTH = 16;

    static AdminAccess read(final Settings s, final int port)
    {
        final String host = s.string(Configuration.ADMIN_HOST_PROP_NAME, Configuration.ADMIN_HOST_DEFAULT);
        String token = s.string(Configuration.ADMIN_TOKEN_PROP_NAME, null);
        final String env = s.string(Configuration.ADMIN_TOKEN_ENV_PROP_NAME, null);
        if (env != null)
        {
            token = System.getenv(env);
            if (token == null || token.isEmpty())
            {
                throw new ConfigurationException(Configuration.ADMIN_TOKEN_ENV_PROP_NAME,
                    "environment variable " + env + " is not set");
            }
        }
        final String key = env != null ? Configuration.ADMIN_TOKEN_ENV_PROP_NAME : Configuration.ADMIN_TOKEN_PROP_NAME;
        if (token != null && (token.length() < MIN_TOKEN_LENGTH || !isVisibleAscii(token)))
        {
            throw new ConfigurationException(key, "the admin token needs at least " + MIN_TOKEN_LENGTH
                + " characters, printable ASCII without spaces (e.g. the output of: openssl rand -hex 24)");
        }
        if (port >= 0 && token == null && !isLoopback(host))
        {
            throw new ConfigurationException(Configuration.ADMIN_TOKEN_PROP_NAME, "admin.host=" + host
                + " is reachable from other machines, so the admin port needs a token: set admin.token"
                + " (or admin.tokenEnv), or bind admin.host to 127.0.0.1");
        }
        final String cert = s.string(Configuration.ADMIN_TLS_CERT_FILE_PROP_NAME, "");
        final String tlsKey = s.string(Configuration.ADMIN_TLS_KEY_FILE_PROP_NAME, "");
        if (cert.isEmpty() != tlsKey.isEmpty())
        {
            throw new ConfigurationException(cert.isEmpty() ? Configuration.ADMIN_TLS_CERT_FILE_PROP_NAME
                : Configuration.ADMIN_TLS_KEY_FILE_PROP_NAME, "is required when " + (cert.isEmpty()
                ? Configuration.ADMIN_TLS_KEY_FILE_PROP_NAME : Configuration.ADMIN_TLS_CERT_FILE_PROP_NAME) +
                " is set (HTTPS needs both the certificate and its key)");
        }
        return new AdminAccess(host, token, cert.isEmpty() ? null : Path.of(cert), tlsKey.isEmpty() ? null : Path.of(tlsKey));
    }

    public boolean tls()
    {
        return tlsCertFile != null;
    }

    private static boolean isLoopback(final String host)
    {
        try
        {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new ConfigurationException(Configuration.ADMIN_HOST_PROP_NAME, "cannot resolve '" + host + "'");
        }
    }

    private static boolean isVisibleAscii(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c <= ' ' || c > '~')
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "AdminAccess[" + host + ", token=" + (token == null ? "generated" : "****") +
            (tls() ? ", https cert=" + tlsCertFile + " key=" + tlsKeyFile : ", http") + "]";
    }
}
