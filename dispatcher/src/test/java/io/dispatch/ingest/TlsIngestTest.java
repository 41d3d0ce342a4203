package io.dispatch.ingest;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS on the protocol port against a real engine on loopback, with certificates made for the run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsIngestTest
{
    @TempDir
    Path dir;

    private TestTls tls;

    @BeforeEach
    void certificates() throws Exception
    {
        tls = TestTls.create(dir.resolve("tls"));
    }

    @Test
    void shouldAckASubmitFromAClientTrustingTheCa() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(tlsSettings(false));
            DispatchClient client = DispatchClient.connect(tlsClient(engine).build()))
        {
            final SubmitResult ack = client.submit(sms()).get(30, TimeUnit.SECONDS);
            assertThat(ack.messageId()).isPositive();
        }
    }

    @Test
    void shouldTellAPlainClientThatThePortRequiresTls() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(tlsSettings(false)))
        {
            // refused with a readable ERROR, not a handshake timeout: the connect bound is far above the wait
            assertThatThrownBy(() -> DispatchClient.connect(ClientConfig.builder().port(engine.port())
                .connectTimeoutMs(30_000).build()))
                .isInstanceOfSatisfying(DispatchException.class, ex ->
                {
                    assertThat(ex.kind()).isEqualTo(DispatchException.Kind.ERROR);
                    assertThat(ex.code()).isEqualTo(ErrorCode.UNSUPPORTED_FEATURE);
                })
                .hasMessageContaining("requires TLS");
        }
    }

    @Test
    void shouldFailATlsClientOnAPlainPortAsATlsFailure() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("engine"))))
        {
            assertThatThrownBy(() -> DispatchClient.connect(tlsClient(engine).connectTimeoutMs(30_000).build()))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SSLException.class)
                .hasMessageContaining("TLS handshake with 127.0.0.1:" + engine.port() + " failed")
                .hasMessageContaining("not an SSL/TLS record");
        }
    }

    @Test
    void shouldRefuseTheEngineCertificateWhenTheClientDoesNotTrustItsCa() throws Exception
    {
        final TestTls other = TestTls.create(dir.resolve("other"));
        try (Dispatcher engine = EngineFixture.launch(tlsSettings(false)))
        {
            assertThatThrownBy(() -> DispatchClient.connect(tlsClient(engine).tlsCaFile(other.caFile)
                .connectTimeoutMs(30_000).build()))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SSLException.class)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("PKIX");
        }
    }

    @Test
    void shouldRequireAClientCertificateUnderMutualTls() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(tlsSettings(true)))
        {
            assertThatThrownBy(() -> DispatchClient.connect(tlsClient(engine).connectTimeoutMs(30_000).build()))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SSLException.class)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("bad_certificate");

            try (DispatchClient client = DispatchClient.connect(tlsClient(engine)
                .tlsClientCertificate(tls.clientCertFile, tls.clientKeyFile).build()))
            {
                assertThat(client.submit(sms()).get(30, TimeUnit.SECONDS).messageId()).isPositive();
            }
        }
    }

    @Test
    void shouldServeAReplacedCertificateToNewConnectionsWithoutARestart() throws Exception
    {
        final Settings settings = tlsSettings(false);
        settings.set("ingest.tls.reloadCheckMs", "50");
        try (Dispatcher engine = EngineFixture.launch(settings);
            DispatchClient before = DispatchClient.connect(tlsClient(engine).build()))
        {
            assertThat(peerSerial(engine.port())).isEqualTo(tls.server.getSerialNumber());

            final X509Certificate renewed = tls.reissueServer(BigInteger.valueOf(4242));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            BigInteger seen = peerSerial(engine.port());
            while (!seen.equals(renewed.getSerialNumber()) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(20);
                seen = peerSerial(engine.port());
            }
            assertThat(seen).isEqualTo(renewed.getSerialNumber());
            final String metrics = metrics(engine);
            assertThat(metrics).contains("dispatch_ingest_tls_certificate_expiry_seconds " +
                renewed.getNotAfter().getTime() / 1000 + "\n");
            // the reload may have met the new key before the new certificate: one failure, then the pair loads
            assertThat(metrics).containsPattern("dispatch_ingest_tls_reloads_total [1-9]");

            // the connection made before the reload keeps its session and still gets answers
            assertThat(before.submit(sms()).get(30, TimeUnit.SECONDS).messageId()).isPositive();
            try (DispatchClient after = DispatchClient.connect(tlsClient(engine).build()))
            {
                assertThat(after.submit(sms()).get(30, TimeUnit.SECONDS).messageId()).isPositive();
            }
        }
    }

    @Test
    void shouldFailTheStartNamingTheKeyOfAMissingFile()
    {
        final Settings settings = tlsSettings(false);
        settings.set("ingest.tls.keyFile", dir.resolve("nowhere.pem").toString());
        assertThatThrownBy(() -> EngineFixture.launch(settings))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'ingest.tls.keyFile'")
            .hasMessageContaining("does not exist");
    }

    @Test
    void shouldFailTheStartWhenTheKeyIsNotTheCertificates()
    {
        final Settings settings = tlsSettings(false);
        settings.set("ingest.tls.keyFile", tls.clientKeyFile.toString());
        assertThatThrownBy(() -> EngineFixture.launch(settings))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'ingest.tls.keyFile'")
            .hasMessageContaining("is not the key of the certificate CN=localhost");
    }

    @Test
    void shouldFailTheStartWhenOnlyTheKeyIsSet()
    {
        final Settings settings = EngineFixture.settings(dir.resolve("engine"));
        settings.set("ingest.tls.keyFile", tls.serverKeyFile.toString());
        assertThatThrownBy(() -> EngineFixture.launch(settings))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'ingest.tls.certFile': is required when ingest.tls.keyFile is set");
    }

    private Settings tlsSettings(final boolean mutual)
    {
        final Settings s = EngineFixture.settings(dir.resolve("engine"));
        s.set("ingest.tls.certFile", tls.serverCertFile.toString());
        s.set("ingest.tls.keyFile", tls.serverKeyFile.toString());
        if (mutual)
        {
            s.set("ingest.tls.clientCaFile", tls.caFile.toString());
        }
        return s;
    }

    private ClientConfig.Builder tlsClient(final Dispatcher engine)
    {
        return ClientConfig.builder().host("127.0.0.1").port(engine.port()).tls(true).tlsCaFile(tls.caFile)
            .reconnect(false);
    }

    private static Submit sms()
    {
        return Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS).to("01012345678")
            .text("over tls").build();
    }

    private static String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.adminPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** @return the serial of the certificate the engine shows a new connection now. */
    private BigInteger peerSerial(final int port) throws Exception
    {
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", tls.ca);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate)socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
