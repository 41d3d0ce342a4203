package io.dispatch.connector.http;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.io.File;
import java.net.URI;

/** Client TLS contexts for the HTTP connectors: JDK provider, hostname verification on. */
public final class ClientTls
{
    /** ALPN offering (or, on a server, choosing) only {@code h2}; the HTTP/2 test peers use it too. */
    public static final ApplicationProtocolConfig H2_ONLY = new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        ApplicationProtocolNames.HTTP_2);

    private ClientTls()
    {
    }

    /**
     * @param trustCertFile PEM file of the certificates (or CA) to trust, for private CAs and tests;
     *                      null trusts the JVM's default CA store.
     */
    public static SslContext create(final String trustCertFile) throws SSLException
    {
        return builder(trustCertFile).build();
    }

    /** @return {@link #create}'s context for an https URL, null (plain HTTP) for an http one. */
    public static SslContext forUrl(final URI url, final String trustCertFile) throws SSLException
    {
        return "https".equals(url.getScheme()) ? create(trustCertFile) : null;
    }

    /**
     * As {@link #create} but offering only {@code h2} through ALPN, with the cipher suites HTTP/2 allows
     * (RFC 7540 §9.2); {@link Http2ClientTransport} refuses a connection on which the server chose otherwise.
     */
    public static SslContext http2(final String trustCertFile) throws SSLException
    {
        return builder(trustCertFile)
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(H2_ONLY)
            .build();
    }

    private static SslContextBuilder builder(final String trustCertFile)
    {
        final SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
        if (trustCertFile != null)
        {
            builder.trustManager(new File(trustCertFile));
        }
        return builder;
    }
}
