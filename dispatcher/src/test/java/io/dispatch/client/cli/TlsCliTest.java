package io.dispatch.client.cli;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The scripts' TLS flags (--tls, --ca, --cert, --cert-key) through the CLI classes against a real TLS engine. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsCliTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldSendOverTlsWithTheCaFlagAndExplainAPlainConnectionFailure() throws Exception
    {
        final TestTls tls = TestTls.create(dir.resolve("tls"));
        try (Dispatcher engine = EngineFixture.launch(settings(tls, false)))
        {
            final String port = String.valueOf(engine.port());
            assertThat(send("--to", "01012345678", "--text", "hello", "--port", port, "--tls", "--ca",
                tls.caFile.toString())).as(stderr()).isEqualTo(0);
            assertThat(stdout()).startsWith("message ").contains(" accepted (journaled)");

            out.reset();
            assertThat(send("--to", "01012345678", "--text", "hello", "--port", port)).isEqualTo(1);
            assertThat(stderr()).contains("send: engine error", "requires TLS", "--tls --ca FILE");

            err.reset();
            final TestTls other = TestTls.create(dir.resolve("other"));
            assertThat(send("--to", "01012345678", "--text", "hello", "--port", port, "--tls", "--ca",
                other.caFile.toString())).isEqualTo(1);
            assertThat(stderr()).startsWith("send: TLS handshake with 127.0.0.1:" + port + " failed: ");
        }
    }

    @Test
    void shouldRunADirectoryFixWithAClientCertificateUnderMutualTls() throws Exception
    {
        final TestTls tls = TestTls.create(dir.resolve("tls"));
        try (Dispatcher engine = EngineFixture.launch(settings(tls, true)))
        {
            final String port = String.valueOf(engine.port());
            assertThat(directory("upsert", "u1", "gender=F", "--port", port, "--ca", tls.caFile.toString(),
                "--cert", tls.clientCertFile.toString(), "--cert-key", tls.clientKeyFile.toString()))
                .as(stderr()).isEqualTo(0);

            err.reset();
            assertThat(directory("upsert", "u1", "gender=F", "--port", port, "--tls", "--ca", tls.caFile.toString()))
                .isEqualTo(1);
            assertThat(stderr()).startsWith("directory: TLS handshake with 127.0.0.1:" + port + " failed: ");
        }
    }

    @Test
    void shouldNameTheFlagOfAMissingTlsFile()
    {
        assertThat(send("--to", "01012345678", "--text", "hello", "--ca", dir.resolve("none.pem").toString()))
            .isEqualTo(2);
        assertThat(stderr()).startsWith("send: --ca ").contains("does not exist");

        err.reset();
        assertThat(directory("delete", "u1", "--cert", dir.resolve("c.pem").toString())).isEqualTo(2);
        assertThat(stderr()).contains("--cert-key is required with --cert");
    }

    private Settings settings(final TestTls tls, final boolean mutual)
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

    private int send(final String... args)
    {
        return new SendCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private int directory(final String... args)
    {
        return new DirectoryCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), System::nanoTime,
            false).run(args);
    }

    private String stdout()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
