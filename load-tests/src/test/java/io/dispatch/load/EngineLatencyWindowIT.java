package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's figures for exactly a window: two real readings of a real engine's {@code /latency}, subtracted, count
 * the messages acked between them and none before. The poller runs on a clock the test moves, so which reading is
 * the window's start is decided by the test, not by the machine's speed.
 */
@Timeout(90)
class EngineLatencyWindowIT
{
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path dir;

    private long correlationId = 1;

    @Test
    void shouldSubtractTwoReadingsToTheMessagesAckedBetweenThem() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir));
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final EngineLatencyWindow reader = idleReader(engine);
            send(c, MessageKind.INFORMATIONAL, 25);
            final EngineLatency.Snapshot before = countsNow(reader, 25, 0);

            send(c, MessageKind.INFORMATIONAL, 10);
            send(c, MessageKind.AUTH, 15);
            final EngineLatency.Snapshot after = countsNow(reader, 35, 15);
            awaitHandoffs(reader, 35, 15);
            final EngineLatency window = EngineLatency.between(before, reader.read(), java.util.List.of());
            reader.stop();

            assertThat(window.problem()).isNull();
            assertThat(window.ack("informational").getTotalCount()).isEqualTo(10);
            assertThat(window.ack("auth").getTotalCount()).isEqualTo(15);
            assertThat(window.ack("auth").getMinValue()).as("ns from frame read to ACK").isPositive();
            assertThat(window.ack("marketing")).as("no marketing message: no series").isNull();
            assertThat(window.handoff("informational").getTotalCount()).isEqualTo(10);
            assertThat(window.handoff("auth").getTotalCount()).isEqualTo(15);
            assertThat(window.series()).extracting(EngineLatency.Series::key)
                .contains("ack/informational", "ack/auth", "handoff/sms-simulated/informational");
            assertThat(after.byTag().get("ack;class=informational").getTotalCount()).as("since start").isEqualTo(35);
        }
    }

    @Test
    void shouldStartTheWindowAtTheEndOfTheWarmupAndEndItAtFinish() throws Exception
    {
        final AtomicLong nowNs = new AtomicLong();
        final RunWindow run = new RunWindow(0, TimeUnit.SECONDS.toNanos(2), TimeUnit.SECONDS.toNanos(2));
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir));
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final EngineLatencyWindow poller = EngineLatencyWindow.open(latencyUrl(engine), nowNs::get, quiet());
            poller.start(run);
            awaitReadings(poller, 1);

            // warm-up: acked and counted by the engine before the reading at the end of the warm-up
            send(c, MessageKind.INFORMATIONAL, 30);
            countsNow(poller, 30, 0);
            nowNs.set(run.warmupEndNs());
            awaitReadings(poller, 3);

            // measured period
            send(c, MessageKind.INFORMATIONAL, 12);
            send(c, MessageKind.AUTH, 8);
            countsNow(poller, 42, 8);
            nowNs.set(run.warmupEndNs() + TimeUnit.SECONDS.toNanos(1));
            awaitReadings(poller, 4);
            final EngineLatency window = poller.finish();

            assertThat(window.problem()).isNull();
            assertThat(window.fromS()).as("read at the end of the warm-up, on the test's clock").isEqualTo(2.0);
            assertThat(window.toS()).isEqualTo(3.0);
            assertThat(window.ack("informational").getTotalCount()).as("the warm-up's 30 are not in it").isEqualTo(12);
            assertThat(window.ack("auth").getTotalCount()).isEqualTo(8);
            // one point a second: the warm-up's messages in the first, the measured ones in the fourth reading's
            assertThat(window.timeline()).hasSize(3);
            assertThat(window.timeline().get(0).ackP99NsByClass()[MessageClasses.index(MessageKind.INFORMATIONAL)])
                .isPositive();
            assertThat(window.timeline().get(1).ackP99NsByClass()[MessageClasses.index(MessageKind.INFORMATIONAL)])
                .as("nothing acked in that second").isEqualTo(-1);
            assertThat(window.timeline().get(2).ackP99NsByClass()[MessageClasses.index(MessageKind.AUTH)]).isPositive();
        }
    }

    @Test
    void shouldReportWhyThereAreNoFiguresWhenTheEngineCannotBeRead() throws Exception
    {
        final int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0))
        {
            closedPort = s.getLocalPort();
        }
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final EngineLatencyWindow poller = EngineLatencyWindow.open(URI.create("http://127.0.0.1:" + closedPort +
            "/latency"), () -> 0L, new PrintStream(console, true, StandardCharsets.UTF_8));
        poller.start(new RunWindow(0, 0, TimeUnit.SECONDS.toNanos(1)));
        awaitReadings(poller, 1);

        final EngineLatency figures = poller.finish();

        assertThat(figures.problem()).contains("could not be read at the start of the measured period");
        assertThat(figures.series()).isEmpty();
        assertThat(console.toString(StandardCharsets.UTF_8)).as("one line, not one a second")
            .containsOnlyOnce("--engine-latency-url http://127.0.0.1:" + closedPort + "/latency cannot be read");
    }

    /** A reader that is not polling: the test takes each reading. */
    private EngineLatencyWindow idleReader(final Dispatcher engine)
    {
        return EngineLatencyWindow.open(latencyUrl(engine), () -> 0L, quiet());
    }

    private void send(final RawConnection c, final MessageKind kind, final int n) throws Exception
    {
        for (int i = 0; i < n; i++)
        {
            c.submit(correlationId, kind, ChannelType.SMS, "", String.format("0101%07d", correlationId), "code 1234");
            correlationId++;
        }
        for (int i = 0; i < n; i++)
        {
            assertThat(c.read().type).isEqualTo(MessageType.ACK);
        }
    }

    /** The engine records an ACK before queueing it: a reading after the client saw it counts it, no wait. */
    private static EngineLatency.Snapshot countsNow(final EngineLatencyWindow reader, final long informational,
        final long auth)
    {
        final EngineLatency.Snapshot s = reader.read();
        assertThat(count(s, "ack;class=informational")).isEqualTo(informational);
        assertThat(count(s, "ack;class=auth")).isEqualTo(auth);
        return s;
    }

    /** The lane sends a little after the ACK. */
    private static void awaitHandoffs(final EngineLatencyWindow reader, final long informational, final long auth)
        throws Exception
    {
        awaitSeries(reader, "handoff;lane=sms-simulated;class=", informational, auth);
    }

    private static EngineLatency.Snapshot awaitSeries(final EngineLatencyWindow reader, final String prefix,
        final long informational, final long auth) throws Exception
    {
        final long end = System.currentTimeMillis() + WAIT_MS;
        EngineLatency.Snapshot s = reader.read();
        while (!(count(s, prefix + "informational") >= informational && count(s, prefix + "auth") >= auth)
            && System.currentTimeMillis() < end)
        {
            Thread.sleep(20);
            s = reader.read();
        }
        assertThat(count(s, prefix + "informational")).isEqualTo(informational);
        assertThat(count(s, prefix + "auth")).isEqualTo(auth);
        return s;
    }

    private static long count(final EngineLatency.Snapshot s, final String tag)
    {
        final Histogram h = s == null ? null : s.byTag().get(tag);
        return h == null ? -1 : h.getTotalCount();
    }

    private static void awaitReadings(final EngineLatencyWindow poller, final long n) throws InterruptedException
    {
        final LongSupplier readings = poller::readings;
        final long end = System.currentTimeMillis() + WAIT_MS;
        while (readings.getAsLong() < n && System.currentTimeMillis() < end)
        {
            Thread.sleep(10);
        }
        assertThat(readings.getAsLong()).as("readings taken").isGreaterThanOrEqualTo(n);
    }

    private static URI latencyUrl(final Dispatcher engine)
    {
        return URI.create("http://127.0.0.1:" + engine.adminPort() + "/latency");
    }

    private static PrintStream quiet()
    {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
