package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.HashKeyRunner;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation without a restart on a real engine (docs/security.md "Rotating a key"): the configuration file is
 * edited and {@code POST /config/reload} puts its keys in force for new HELLOs; a change of the tenants is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyReloadIT
{
    private static final String OTHER = "tenant.other.apiKey=other-key";

    @TempDir
    Path dir;

    @Test
    void shouldRotateAKeyWithoutARestartAndRefuseAChangeOfTheTenants() throws Exception
    {
        // a hashed old key: its successful verification is cached, and removing the key must still refuse it
        final List<String> hashed = HashKeyRunner.run("old-key\n", "--iterations", "10000");
        final Path file = Files.createDirectories(dir.resolve("etc")).resolve("dispatcher.properties");
        writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=" + hashed.get(0));
        final Path data = dir.resolve("data");
        try (Dispatcher engine = EngineFixture.launch(settings(data, file),
            Dispatcher.Context.DEFAULT.withConfigSource(() -> settings(data, file))))
        {
            final RawConnection kept = RawConnection.open(engine.port(), "demo", "old-key");
            assertHello(engine, "demo", "new-key", ErrorCode.AUTH_FAILED);

            writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=" + hashed.get(0),
                "tenant.demo.apiKeyNext=new-key");
            final HttpResponse<String> added = AdminHttp.post(engine.adminPort(), data, "/config/reload");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
            assertHello(engine, "demo", "new-key", null);
            assertHello(engine, "demo", "old-key", null);

            writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=new-key");
            assertThat(AdminHttp.post(engine.adminPort(), data, "/config/reload").statusCode()).isEqualTo(200);
            assertHello(engine, "demo", "old-key", ErrorCode.AUTH_FAILED);
            assertHello(engine, "demo", "new-key", null);
            assertPingAnswered(kept); // authenticated before the rotation: keeps working

            // removing (or renaming) a tenant would change the id mapping: refused, nothing changed
            writeConfig(file, "tenants=demo", "tenant.demo.apiKey=newer-key");
            final HttpResponse<String> removed = AdminHttp.post(engine.adminPort(), data, "/config/reload");
            assertThat(removed.statusCode()).isEqualTo(409);
            assertThat(removed.body()).contains("tenant other").contains("restart");
            assertHello(engine, "demo", "new-key", null);
            assertHello(engine, "other", "other-key", null);

            // a mistake anywhere in the file refuses the reload with the key named
            writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=newer-key", "ring.sise=8");
            final HttpResponse<String> typo = AdminHttp.post(engine.adminPort(), data, "/config/reload");
            assertThat(typo.statusCode()).isEqualTo(409);
            assertThat(typo.body()).contains("ring.sise");
            assertHello(engine, "demo", "new-key", null);
            kept.close();
        }
    }

    @Test
    void shouldReloadTheKeysOfTheConfigurationFileOnSighup() throws Exception
    {
        final Path file = Files.createDirectories(dir.resolve("etc")).resolve("dispatcher.properties");
        writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=old-key");
        try (ChildEngine child = ChildEngine.start(dir.resolve("data"), "--config", file.toString()))
        {
            assertHello(child.port(), "demo", "old-key", null);
            writeConfig(file, "tenants=demo,other", OTHER, "tenant.demo.apiKey=new-key");
            final Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).start();
            assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(hup.exitValue()).isZero();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (child.output().stream().noneMatch(l -> l.contains("event=config_reloaded")))
            {
                assertThat(System.nanoTime()).as("reload logged within 30 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertHello(child.port(), "demo", "new-key", null);
            assertHello(child.port(), "demo", "old-key", ErrorCode.AUTH_FAILED);
        }
    }

    @Test
    void shouldRefuseAReloadWithoutAConfigurationToReRead() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final HttpResponse<String> r = AdminHttp.post(engine.adminPort(), dir, "/config/reload");
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.body()).contains("--config");
        }
    }

    /** As DispatcherMain reads it: the file, then the command line's overrides (data dir, ephemeral ports). */
    private static Settings settings(final Path data, final Path file)
    {
        return Settings.load(file).set("data.dir", data.toString()).set("ingest.port", "0").set("admin.port", "0");
    }

    private static void writeConfig(final Path file, final String... lines) throws IOException
    {
        final Path tmp = file.resolveSibling("next.properties");
        Files.write(tmp, List.of(lines), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** @param refused the error the HELLO must get, or null when it must be accepted. */
    private static void assertHello(final Dispatcher engine, final String tenant, final String key,
        final ErrorCode refused) throws Exception
    {
        assertHello(engine.port(), tenant, key, refused);
    }

    private static void assertHello(final int port, final String tenant, final String key,
        final ErrorCode refused) throws Exception
    {
        try (RawConnection c = new RawConnection(port))
        {
            c.send(b -> ByteBufFrames.hello(b, 7, tenant, key, "t"));
            final Frame f = c.read();
            if (refused == null)
            {
                assertThat(f.type).as("%s with %s: %s", tenant, key, f).isEqualTo(MessageType.HELLO_OK);
                assertPingAnswered(c);
            }
            else
            {
                assertThat(f.type).as("%s with %s: %s", tenant, key, f).isEqualTo(MessageType.ERROR);
                assertThat(ErrorCode.of(f.errorCode())).as(f.detail()).isEqualTo(refused);
            }
        }
    }

    private static void assertPingAnswered(final RawConnection c) throws Exception
    {
        c.send(b -> ByteBufFrames.ping(b, 99, 42L));
        final Frame pong = c.read();
        assertThat(pong.type).isEqualTo(MessageType.PONG);
        assertThat(pong.correlationId).isEqualTo(99);
    }
}
