package io.dispatch.fuzz;

import io.dispatch.Dispatcher;
import io.dispatch.config.Configuration;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.Counter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network-level run: a real engine on loopback TCP fed mutated inputs (the ingest seed corpus, mutated by a
 * seeded generator, turned into bytes by {@link FrameStream}) for {@code -Dfuzz.network.seconds} (default 10),
 * one connection per input; every answer must arrive (PONG or close) within the wait, nothing may crash, and
 * afterwards a fresh HELLO + SUBMIT is ACKed and the heap after GC is under half of -Xmx. Reproducible: the
 * seed is printed, and {@code -Dfuzz.network.seed} replays it.
 */
class NetworkFuzzIT
{
    private static final int WAIT_MS = (int)IngestHarness.WAIT_SECONDS * 1000;

    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void shouldKeepServingAfterFuzzedConnections() throws Exception
    {
        final long seconds = Long.getLong("fuzz.network.seconds", 10);
        final long seed = Long.getLong("fuzz.network.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        final List<byte[]> corpus = corpus();
        final CrashLog crashes = CrashLog.install();
        long connections = 0;
        long bytes = 0;
        // failed HELLOs from 127.0.0.1 are throttled: a high burst and a short interval keep the fuzzed HELLOs
        // reaching the decoders, and the clock jumps over the interval before the engine is asked to serve
        final Settings settings = EngineFixture.settings(dir)
            .set(Configuration.INGEST_AUTH_FAILURE_BURST_PROP_NAME, "1000")
            .set(Configuration.INGEST_AUTH_FAILURE_INTERVAL_MS_PROP_NAME, "1");
        final JumpClock clock = new JumpClock(System.currentTimeMillis());
        try (Dispatcher engine = EngineFixture.launch(settings, clock))
        {
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end)
            {
                final byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), random);
                final FrameStream stream = FrameStream.of(input);
                bytes += stream.bytes.readableBytes();
                connections++;
                try (RawConnection c = new RawConnection(engine.port()))
                {
                    c.sendBytes(stream.bytes);
                    if (stream.expectPong)
                    {
                        awaitPongOrClose(c, seed, connections);
                    }
                }
                catch (final SocketException ex)
                {
                    // the engine closed first (ERROR, then close) while we were still writing: an answer
                }
                assertThat(crashes.take()).as("crash, seed %d connection %d", seed, connections).isNull();
            }
            assertThat(engine.counters().get(Counter.INTERNAL_ERRORS)).as("seed %d", seed).isZero();
            clock.jump(1_000);
            assertServes(engine);
            System.gc();
            final long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            System.out.printf("network fuzz: seed %d, %d connections, %d bytes in %d s, heap after GC %d MB%n",
                seed, connections, bytes, seconds, used >> 20);
            assertThat(used).as("heap after GC").isLessThan(Runtime.getRuntime().maxMemory() / 2);
        }
        finally
        {
            crashes.uninstall();
        }
    }

    private static void awaitPongOrClose(final RawConnection c, final long seed, final long connection) throws IOException
    {
        try
        {
            while (true)
            {
                final RawConnection.Frame f = c.readAnyWithTimeout(WAIT_MS);
                if (FrameStream.answersMarker(f.type, f.correlationId))
                {
                    return;
                }
            }
        }
        catch (final EOFException | SocketException ex)
        {
            // closed by the engine after an ERROR or GOODBYE
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("hang: no answer to the marker PING and no close within " + WAIT_MS + " ms, seed " + seed
                + " connection " + connection);
        }
    }

    private static void assertServes(final Dispatcher engine) throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), FrameStream.TENANT, FrameStream.KEY))
        {
            final long deadline = System.nanoTime() + IngestHarness.WAIT_SECONDS * 1_000_000_000L;
            for (long key = 1; ; key++)
            {
                c.submit(key, MessageKind.INFORMATIONAL, ChannelType.SMS, "network-serves-" + key, "+821012345678",
                    "still serving");
                final RawConnection.Frame answer = c.read();
                if (answer.type == MessageType.ACK)
                {
                    return;
                }
                assertThat(answer.type == MessageType.NACK && answer.errorCode() == ErrorCode.BACKPRESSURE.code())
                    .as("answer to a SUBMIT after the run: %s", answer).isTrue();
                // credit is granted again only once the pressure is gone: that CREDIT is the moment to retry
                RawConnection.Frame credit;
                do
                {
                    credit = c.readAnyWithTimeout((int)Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
                while (credit.type != MessageType.CREDIT);
            }
        }
    }

    /** One of: flip bytes, overwrite with an interesting value, insert, delete, splice a length, duplicate. */
    static byte[] mutate(final byte[] seed, final SplittableRandom random)
    {
        byte[] b = seed.clone();
        final int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && b.length > 1; r++)
        {
            final int at = 1 + random.nextInt(b.length - 1);
            switch (random.nextInt(6))
            {
                case 0 -> b[at] ^= (byte)(1 << random.nextInt(8));
                case 1 -> b[at] = (byte)new int[] {0, 0xFF, 0x7F, 0x80, 1, 0xFE}[random.nextInt(6)];
                case 2 ->
                {
                    final byte[] grown = new byte[b.length + 1 + random.nextInt(8)];
                    System.arraycopy(b, 0, grown, 0, at);
                    for (int i = at; i < at + grown.length - b.length; i++)
                    {
                        grown[i] = (byte)random.nextInt(256);
                    }
                    System.arraycopy(b, at, grown, at + grown.length - b.length, b.length - at);
                    b = grown;
                }
                case 3 ->
                {
                    final int n = Math.min(b.length - at, 1 + random.nextInt(8));
                    final byte[] shrunk = new byte[b.length - n];
                    System.arraycopy(b, 0, shrunk, 0, at);
                    System.arraycopy(b, at + n, shrunk, at, b.length - at - n);
                    b = shrunk;
                }
                case 4 -> b[0] = (byte)random.nextInt(4); // HELLO or not, structured or raw
                default ->
                {
                    final byte[] twice = new byte[b.length * 2 - 1];
                    System.arraycopy(b, 0, twice, 0, b.length);
                    System.arraycopy(b, 1, twice, b.length, b.length - 1);
                    b = twice;
                }
            }
        }
        return b;
    }

    private static List<byte[]> corpus() throws Exception
    {
        final Path seeds = Path.of(NetworkFuzzIT.class.getResource("IngestFuzzTestInputs/frames").toURI());
        final List<byte[]> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(seeds))
        {
            for (final Path p : (Iterable<Path>)files.sorted()::iterator)
            {
                corpus.add(Files.readAllBytes(p));
            }
        }
        assertThat(corpus).as("seed corpus in %s", seeds).isNotEmpty();
        return corpus;
    }
}
