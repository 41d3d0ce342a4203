package io.dispatch.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the client's TLS context from a {@link ClientConfig.Builder}: TLS 1.3 or 1.2 only, the JDK's TLS stack,
 * trust in the CA file (or the JDK's default trust store without one), an optional client certificate for mutual
 * TLS, and a check that the engine's certificate names the host connected to. Errors name the builder field.
 */
final class ClientTls
{
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ClientTls()
    {
    }

    static SslContext context(
        final Path caFile, final Path certFile, final Path keyFile, final boolean serverNameCheck)
    {
        final SslContextBuilder builder = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS)
            .endpointIdentificationAlgorithm(serverNameCheck ? "HTTPS" : null);
        if (caFile != null)
        {
            requireReadable("tlsCaFile", caFile);
            try
            {
                builder.trustManager(caFile.toFile());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(
                    "tlsCaFile " + caFile + " holds no PEM certificate: " + ex.getMessage());
            }
        }
        if (certFile != null)
        {
            requireReadable("tlsCertFile", certFile);
            requireReadable("tlsKeyFile", keyFile);
            try
            {
                builder.keyManager(certFile.toFile(), keyFile.toFile());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("tlsCertFile " + certFile + " and tlsKeyFile " + keyFile +
                    " are not a PEM certificate and its unencrypted PKCS#8 key: " + ex.getMessage());
            }
        }
        try
        {
            return builder.build();
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("tlsCaFile/tlsCertFile cannot make a TLS context: " + ex.getMessage());
        }
    }

    private static void requireReadable(final String field, final Path file)
    {
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException(field + " " + file.toAbsolutePath() +
                (Files.exists(file) ? " is not readable" : " does not exist"));
        }
    }
}
