package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.json.Json;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/loadtest's --tls and --ca against a real engine with TLS on its protocol port. */
@Timeout(120)
class LoadTestTlsIT
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @Test
    @SuppressWarnings("unchecked")
    void shouldRunOverTlsWithTheCaFlagAndTellAPlainRunThePortNeedsTls() throws Exception
    {
        final TestTls tls = TestTls.create(dir.resolve("tls"));
        final Settings settings = EngineFixture.settings(dir.resolve("engine"));
        settings.set("ring.size", "65536");
        settings.set("ingest.tls.certFile", tls.serverCertFile.toString());
        settings.set("ingest.tls.keyFile", tls.serverKeyFile.toString());
        try (Dispatcher engine = EngineFixture.launch(settings))
        {
            final String port = Integer.toString(engine.port());
            final Path out = dir.resolve("report");
            assertThat(run("--port", port, "--rate", "200", "--duration", "2", "--warmup", "1", "--connections", "2",
                "--out", out.toString(), "--tls", "--ca", tls.caFile.toString()))
                .as(stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8)).isZero();
            final Map<String, Object> report =
                (Map<String, Object>)Json.parse(Files.readString(out.resolve("report.json")));
            final long sent = ((Number)report.get("sent")).longValue();
            assertThat(sent).isPositive();
            assertThat(((Number)report.get("acked")).longValue()).isEqualTo(sent);

            stderr.reset();
            assertThat(run("--port", port, "--rate", "200", "--duration", "1", "--warmup", "0",
                "--out", dir.resolve("plain").toString())).isEqualTo(1);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("requires TLS").doesNotContain("--api-key");
        }
    }

    private int run(final String... args)
    {
        return LoadTestMain.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }
}
