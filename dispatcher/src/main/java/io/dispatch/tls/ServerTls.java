package io.dispatch.tls;

import io.dispatch.config.ConfigurationException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * A server TLS context from PEM files, built as the protocol port's is ({@link TlsContexts}: the same file checks
 * and protocols), for the other servers the engine runs: the chat connectors' inbound webhooks. No reload: a
 * connector restarts with its lane.
 */
public final class ServerTls
{
    private ServerTls()
    {
    }

    /**
     * @param certKey  the setting naming {@code certFile}, for error messages.
     * @param keyKey   the setting naming {@code keyFile}.
     * @throws ConfigurationException naming the key of a missing or unreadable file, or of a key that is not the
     *                                certificate's.
     */
    public static SslContext create(final String certKey, final Path certFile, final String keyKey, final Path keyFile)
    {
        final X509Certificate[] chain = PemFiles.certificates(certKey, certFile);
        final PrivateKey key = PemFiles.privateKey(keyKey, keyFile);
        PemFiles.requireMatch(keyKey, keyFile, key, chain[0]);
        try
        {
            return SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK).protocols(TlsContexts.PROTOCOLS)
                .build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConfigurationException(certKey,
                "cannot build a TLS context from " + certFile + " and " + keyFile + ": " + ex.getMessage());
        }
    }
}
