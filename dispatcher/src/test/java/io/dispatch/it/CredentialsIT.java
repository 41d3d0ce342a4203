package io.dispatch.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dispatch.Dispatcher;
import io.dispatch.HashKeyRunner;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.Counter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials on a real engine over loopback (docs/security.md "Credentials"): hashed keys printed by the
 * {@code scripts/hash-key} command, rotation with two keys, and the throttling of failed HELLOs per address.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CredentialsIT
{
    /** The least the engine accepts: keeps the test quick; production hashes use 600,000. */
    private static final String ITERATIONS = "10000";

    @TempDir
    Path dir;

    @Test
    void shouldAcceptTheKeysWhoseHashesTheCommandPrintedAndRefuseAnyOther() throws Exception
    {
        final List<String> typed = HashKeyRunner.run("other-s3cret\n", "--iterations", ITERATIONS);
        assertThat(typed).hasSize(1);
        final List<String> generated = HashKeyRunner.run("", "--generate", "--iterations", ITERATIONS);
        assertThat(generated).hasSize(2);
        final Settings settings = EngineFixture.settings(dir)
            .set("tenant.other.apiKey", typed.get(0))
            .set("tenant.demo.apiKey", generated.get(1));
        try (Dispatcher engine = EngineFixture.launch(settings))
        {
            try (RawConnection c = RawConnection.open(engine.port(), "other", "other-s3cret"))
            {
                assertPingAnswered(c);
            }
            try (RawConnection c = RawConnection.open(engine.port(), "demo", generated.get(0)))
            {
                assertPingAnswered(c);
            }
            assertRefused(engine, "other", "other-s3cre", ErrorCode.AUTH_FAILED);
            assertRefused(engine, "other", typed.get(0), ErrorCode.AUTH_FAILED); // the hash is no key
            assertRefused(engine, "demo", "demo-key", ErrorCode.AUTH_FAILED);
            assertRefused(engine, "nobody", "other-s3cret", ErrorCode.AUTH_FAILED);
            assertThat(engine.counters().get(Counter.AUTH_FAILURES)).isEqualTo(4);
            try (RawConnection c = RawConnection.open(engine.port(), "other", "other-s3cret"))
            {
                assertPingAnswered(c); // also from the verification cache
            }
        }
    }

    @Test
    void shouldAcceptBothKeysDuringRotationAndRefuseTheOldOneOnceRemoved() throws Exception
    {
        final String oldHash = HashKeyRunner.run("old-key\n", "--iterations", ITERATIONS).get(0);
        final String newHash = HashKeyRunner.run("new-key\n", "--iterations", ITERATIONS).get(0);
        final Settings rotating = EngineFixture.settings(dir)
            .set("tenant.other.apiKey", oldHash)
            .set("tenant.other.apiKeyNext", newHash)
            .set("tenant.demo.apiKeyNext", "demo-key-2");
        try (Dispatcher engine = EngineFixture.launch(rotating);
             RawConnection old = RawConnection.open(engine.port(), "other", "old-key");
             RawConnection next = RawConnection.open(engine.port(), "other", "new-key");
             RawConnection plainOld = RawConnection.open(engine.port(), "demo", "demo-key");
             RawConnection plainNext = RawConnection.open(engine.port(), "demo", "demo-key-2"))
        {
            assertPingAnswered(old);
            assertPingAnswered(next);
            assertPingAnswered(plainOld);
            assertPingAnswered(plainNext);
        }

        final Settings rotated = EngineFixture.settings(dir)
            .set("tenant.other.apiKey", newHash)
            .set("tenant.demo.apiKey", "demo-key-2");
        try (Dispatcher engine = EngineFixture.launch(rotated))
        {
            assertRefused(engine, "other", "old-key", ErrorCode.AUTH_FAILED);
            assertRefused(engine, "demo", "demo-key", ErrorCode.AUTH_FAILED);
            try (RawConnection next = RawConnection.open(engine.port(), "other", "new-key");
                 RawConnection plainNext = RawConnection.open(engine.port(), "demo", "demo-key-2"))
            {
                assertPingAnswered(next);
                assertPingAnswered(plainNext);
            }
        }
    }

    @Test
    void shouldHashAKeyOffTheEventLoop() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir)
            .set("tenant.other.apiKey", HashKeyRunner.run("other-s3cret\n", "--iterations", ITERATIONS).get(0));
        try (Dispatcher engine = EngineFixture.launch(settings);
             RawConnection c = new RawConnection(engine.port()))
        {
            // two HELLOs in one write: the event loop decodes both in one read, so while it handles the second the
            // first can only be answered already if its key was hashed on the event loop itself
            final ByteBuf both = Unpooled.buffer();
            ByteBufFrames.hello(both, 1, "other", "wrong", "t");
            ByteBufFrames.hello(both, 2, "other", "wrong", "t");
            c.sendBytes(both);
            final Frame second = c.read();
            assertThat(second.correlationId).isEqualTo(2);
            assertThat(second.errorCode()).isEqualTo(ErrorCode.ALREADY_AUTHENTICATED.code());
            assertThat(second.detail()).isEqualTo("a HELLO is being verified on this connection");
            final Frame first = c.read();
            assertThat(first.correlationId).isEqualTo(1);
            assertThat(first.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED.code());
            assertThat(c.awaitClosed(10_000)).isTrue();
        }
    }

    @Test
    void shouldThrottleAFailedHelloStormFromOneAddressForOneIntervalAfterItsLastFailure() throws Exception
    {
        final Logger log = (Logger)LoggerFactory.getLogger("io.dispatch.ingest.HelloAuthenticator");
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        // a long interval, jumped over by the clock: the test never waits for it, and never races it
        final JumpClock clock = new JumpClock(System.currentTimeMillis());
        final Settings settings = EngineFixture.settings(dir)
            .set("ingest.authFailureBurst", "5")
            .set("ingest.authFailureIntervalMs", "600000");
        try (Dispatcher engine = EngineFixture.launch(settings, clock))
        {
            for (int i = 0; i < 5; i++)
            {
                assertRefused(engine, "demo", "guess-" + i, ErrorCode.AUTH_FAILED);
            }
            for (int i = 0; i < 3; i++)
            {
                final Frame f = assertRefused(engine, "demo", "demo-key", ErrorCode.RATE_LIMITED);
                assertThat(f.detail()).startsWith("too many failed HELLOs from this address; retry in ");
            }
            assertThat(engine.counters().get(Counter.AUTH_FAILURES)).isEqualTo(5);
            assertThat(engine.counters().get(Counter.AUTH_THROTTLED)).isEqualTo(3);
            assertThat(metrics(engine)).contains("dispatch_auth_failures_total 5", "dispatch_auth_throttled_total 3");
            assertThat(appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("event=auth_throttled"))).as("one line per episode").hasSize(1);
            assertThat(appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("event=auth_failed"))).hasSize(5);

            clock.jump(600_000);
            try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                assertPingAnswered(c);
            }
            assertRefused(engine, "demo", "guess-5", ErrorCode.AUTH_FAILED);
            assertRefused(engine, "demo", "demo-key", ErrorCode.RATE_LIMITED);
            assertThat(appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("event=auth_throttled"))).as("a new episode").hasSize(2);
        }
        finally
        {
            log.detachAppender(appender);
        }
    }

    private static Frame assertRefused(final Dispatcher engine, final String tenant, final String key,
        final ErrorCode expected) throws Exception
    {
        try (RawConnection c = new RawConnection(engine.port()))
        {
            c.send(b -> ByteBufFrames.hello(b, 7, tenant, key, "t"));
            final Frame f = c.read();
            assertThat(f.type).isEqualTo(MessageType.ERROR);
            assertThat(f.correlationId).isEqualTo(7);
            assertThat(ErrorCode.of(f.errorCode())).as(f.detail()).isEqualTo(expected);
            assertThat(c.awaitClosed(10_000)).as("closed after the refusal").isTrue();
            return f;
        }
    }

    private static void assertPingAnswered(final RawConnection c) throws Exception
    {
        c.send(b -> ByteBufFrames.ping(b, 99, 42L));
        final Frame pong = c.read();
        assertThat(pong.type).isEqualTo(MessageType.PONG);
        assertThat(pong.correlationId).isEqualTo(99);
    }

    private static String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.adminPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
