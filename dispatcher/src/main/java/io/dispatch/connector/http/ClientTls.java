package io.dispatch.connector.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.io.File;

/** Client TLS contexts for the HTTP connectors: JDK provider, hostname verification on. */
public final class ClientTls
{
    private ClientTls()
    {
    }

    /**
     * @param trustCertFile PEM file of the certificates (or CA) to trust, for private CAs and tests;
     *                      null trusts the JVM's default CA store.
     */
    public static SslContext create(final String trustCertFile) throws SSLException
    {
        final SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
        if (trustCertFile != null)
        {
            builder.trustManager(new File(trustCertFile));
        }
        return builder.build();
    }
}
