package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS on the admin port ({@code admin.tls.*}) with certificates made in the test: a client trusting the CA
 * gets the token-protected routes, plain HTTP gets nothing, {@code scripts/admin --ca} works over https, a renewed
 * certificate serves the next connection, and a half or broken configuration stops the start naming the key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminTlsIT
{
    @TempDir
    Path dir;

    @Test
    void shouldServeTheAdminPortOverHttpsOnly() throws Exception
    {
        final TestTls tls = TestTls.create(dir.resolve("tls"));
        final Path data = dir.resolve("data");
        final Settings settings = EngineFixture.settings(data)
            .set("admin.tls.certFile", tls.serverCertFile.toString())
            .set("admin.tls.keyFile", tls.serverKeyFile.toString());
        try (Dispatcher engine = EngineFixture.launch(settings))
        {
            final String base = "https://127.0.0.1:" + engine.adminPort();
            final HttpResponse<String> health = get(trusting(tls), base + "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(peer(health).getSerialNumber()).isEqualTo(BigInteger.TWO);
            final String token = EngineFixture.adminToken(data);
            final HttpResponse<String> lanes = get(trusting(tls), base + "/lanes", token);
            assertThat(lanes.statusCode()).isEqualTo(200);
            assertThat(get(trusting(tls), base + "/lanes", null).statusCode()).isEqualTo(401);

            // plain HTTP on the HTTPS port: no answer, the connection is closed
            assertThatThrownBy(() -> get(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                "http://127.0.0.1:" + engine.adminPort() + "/health", null)).isInstanceOf(IOException.class);
            // a client that does not trust the CA is refused by its own TLS stack
            assertThatThrownBy(() -> get(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                base + "/health", null)).isInstanceOf(IOException.class);

            final Script withCa = script(base, data, "--ca", tls.caFile.toString(), "GET", "/lanes");
            assertThat(withCa.exit).as(withCa.output).isEqualTo(0);
            assertThat(withCa.output).isEqualTo(lanes.body());
            final Script withoutCa = script(base, data, "GET", "/lanes");
            assertThat(withoutCa.exit).as(withoutCa.output).isNotEqualTo(0);

            // a renewed certificate (key and certificate replaced by moves) serves the next connection
            tls.reissueServer(BigInteger.valueOf(7));
            assertThat(peer(get(trusting(tls), base + "/health", null)).getSerialNumber())
                .isEqualTo(BigInteger.valueOf(7));
        }
    }

    @Test
    void shouldRefuseToStartWithAHalfOrBrokenHttpsConfiguration() throws Exception
    {
        final TestTls tls = TestTls.create(dir.resolve("tls"));
        assertThatThrownBy(() -> EngineFixture.launch(EngineFixture.settings(dir.resolve("a"))
            .set("admin.tls.certFile", tls.serverCertFile.toString())))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("admin.tls.keyFile");
        assertThatThrownBy(() -> EngineFixture.launch(EngineFixture.settings(dir.resolve("b"))
            .set("admin.tls.certFile", dir.resolve("missing.pem").toString())
            .set("admin.tls.keyFile", tls.serverKeyFile.toString())))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("admin.tls.certFile");
        assertThatThrownBy(() -> EngineFixture.launch(EngineFixture.settings(dir.resolve("c"))
            .set("admin.tls.certFile", tls.serverCertFile.toString())
            .set("admin.tls.keyFile", tls.clientKeyFile.toString())))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("admin.tls.keyFile");
    }

    private static HttpClient trusting(final TestTls tls) throws Exception
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", tls.ca);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        // a client per request: each one opens its own connection, which sees the certificate in force now
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(final HttpClient client, final String url, final String token)
        throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null)
        {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static X509Certificate peer(final HttpResponse<?> r) throws Exception
    {
        return (X509Certificate)r.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private record Script(int exit, String output)
    {
    }

    private static Script script(final String url, final Path data, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("project.root", "..")).toAbsolutePath().resolve("scripts/admin").toString());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPATCH_ADMIN_URL", url);
        pb.environment().put("DISPATCH_DATA_DIR", data.toString());
        pb.environment().remove("DISPATCH_ADMIN_TOKEN");
        final Process p = pb.start();
        final byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Script(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
