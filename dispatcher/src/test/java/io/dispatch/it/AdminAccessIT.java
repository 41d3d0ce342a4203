package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A real engine's admin port: the token it generates on loopback, or the one configured, guards the routes. */
@Timeout(60)
class AdminAccessIT
{
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldGenerateAPrivateTokenFileThatGuardsTheRoutesAndSurvivesARestart() throws Exception
    {
        final String token;
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final Path file = dir.resolve("admin.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            token = EngineFixture.adminToken(dir);
            assertThat(token).matches("[0-9a-f]{48}");

            assertThat(send(d, "POST", "/lanes/sms/rate?perSecond=5", null).statusCode()).isEqualTo(401);
            assertThat(send(d, "GET", "/lanes/sms/rate", null).body()).doesNotContain("\"per_second\":5");
            assertThat(send(d, "GET", "/deadletters", null).statusCode()).isEqualTo(401);
            assertThat(send(d, "POST", "/tenants/demo/rate?perSecond=1", null).statusCode()).isEqualTo(401);
            assertThat(send(d, "GET", "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(send(d, "GET", "/health", null).statusCode()).isEqualTo(200);

            assertThat(send(d, "POST", "/lanes/sms/rate?perSecond=5", token).statusCode()).isEqualTo(200);
            assertThat(send(d, "GET", "/lanes/sms/rate", token).body()).contains("\"per_second\":5");
        }
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            assertThat(EngineFixture.adminToken(dir)).as("kept across a restart").isEqualTo(token);
            assertThat(send(d, "GET", "/lanes", token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldReplaceATokenFileOthersCanRead() throws Exception
    {
        final String leaked = "0123456789abcdef0123456789abcdef";
        Files.writeString(dir.resolve("admin.token"), leaked + "\n");
        Files.setPosixFilePermissions(dir.resolve("admin.token"), PosixFilePermissions.fromString("rw-r--r--"));
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final String token = EngineFixture.adminToken(dir);
            assertThat(token).isNotEqualTo(leaked);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin.token"))))
                .isEqualTo("rw-------");
            assertThat(send(d, "GET", "/lanes", leaked).statusCode()).isEqualTo(401);
            assertThat(send(d, "GET", "/lanes", token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldUseTheConfiguredTokenAndWriteNoFile() throws Exception
    {
        final String configured = "configured-token-0123456789";
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir).set("admin.token", configured)))
        {
            assertThat(dir.resolve("admin.token")).doesNotExist();
            assertThat(send(d, "GET", "/lanes", null).statusCode()).isEqualTo(401);
            assertThat(send(d, "GET", "/lanes", configured).statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> send(final Dispatcher d, final String method, final String path, final String token)
        throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.adminPort() + path))
            .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
