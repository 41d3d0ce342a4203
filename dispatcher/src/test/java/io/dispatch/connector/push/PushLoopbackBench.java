package io.dispatch.connector.push;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.apns.ApnsConnectorFactory;
import io.dispatch.connector.apns.ApnsTestPeer;
import io.dispatch.connector.fcm.FcmConnectorFactory;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.BenchSubmitter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.Requests;
import io.dispatch.testing.StatelessConnectorDir;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of the APNs and FCM connectors against their loopback peers, alone and behind the whole
 * engine, and the engine's cost per message (the difference of the two). Prints CPU time per thread
 * group (peer, connector, engine) so one can see which side is the bottleneck.
 * <p>
 * Not part of {@code mvn verify} (the name does not end in Test/IT). A smoke run is the default;
 * figures come from a quiet machine:
 * <pre>
 * mvn -B -o -pl dispatcher test -Dtest=PushLoopbackBench -Dsurefire.failIfNoSpecifiedTests=false -Dpush.bench.messages=200000
 * </pre>
 * Settings: {@code push.bench.messages} per run (default 2,000), {@code push.bench.window} sends in flight
 * (default 800, as {@code lane.push.window}), {@code push.bench.warmup} messages sent before each measured
 * run (default 10,000 or all), {@code push.bench.timeoutS} bound of a whole-engine run (default 600).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushLoopbackBench
{
    static final String IOS = "9f".repeat(32);
    static final String ANDROID = "bench-device:APA91b" + "q".repeat(140);
    static final int MESSAGES = Integer.getInteger("push.bench.messages", 2_000);
    static final int WINDOW = Integer.getInteger("push.bench.window", 800);
    static final int TIMEOUT_S = Integer.getInteger("push.bench.timeoutS", 600);
    /** Enough for the JIT to compile the send paths before the measured run (1,000 left them cold). */
    static final int WARM_UP = Integer.getInteger("push.bench.warmup", Math.min(MESSAGES, 10_000));

    Path dir;
    ApnsTestPeer apns;
    FcmTestPeer fcm;
    final Map<String, Double> directRate = new HashMap<>();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        this.dir = dir;
        apns = new ApnsTestPeer(dir, Set.of(IOS), Map.of(), Map.of());
        fcm = new FcmTestPeer(dir);
        apns.recording(false);
        apns.validating(false);
        fcm.recording(false);
    }

    @AfterAll
    void stop() throws Exception
    {
        apns.close();
        fcm.close();
    }

    @Test
    void measure() throws Exception
    {
        System.out.printf("%npush loopback bench: %,d messages per run, window %d, %d cores, JDK %s%n",
            MESSAGES, WINDOW, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        final Map<String, String> apnsSettings = new HashMap<>(apns.connectorSettings());
        apnsSettings.put("requestTimeoutMs", "60000");
        direct("apns", new ApnsConnectorFactory().create(apnsSettings), "apns:" + IOS);
        direct("fcm", new FcmConnectorFactory().create(fcmSettings()), "fcm:" + ANDROID);
        engine("apns", "apns:" + IOS);
        engine("fcm", "fcm:" + ANDROID);
    }

    /** The peer allows 1,000 streams per connection (Google: 100), so two connections cover the window. */
    private Map<String, String> fcmSettings()
    {
        final Map<String, String> s = new HashMap<>(fcm.connectorSettings());
        s.put("connections", "2");
        s.put("maxInFlight", Integer.toString(Math.max(1, WINDOW / 2)));
        s.put("requestTimeoutMs", "60000");
        return s;
    }

    /** The connector alone, driven like a lane: at most WINDOW sends outstanding. */
    private void direct(final String name, final Connector connector, final String recipient) throws Exception
    {
        final Counting counting = new Counting(WINDOW);
        connector.start(counting);
        try
        {
            final long warm = System.nanoTime();
            run(connector, counting, recipient, WARM_UP); // warm up: connection, JIT
            System.out.printf("%-5s warm-up %.2f s%n", name, (System.nanoTime() - warm) / 1e9);
            final CpuSample cpu = CpuSample.take();
            final long start = System.nanoTime();
            run(connector, counting, recipient, MESSAGES);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double rate = MESSAGES / seconds;
            directRate.put(name, rate);
            System.out.printf("%-5s connector alone : %,9.0f msg/s (%.2f s)  cpu µs/msg %s  throttled sends (incl. warm-up) %d%n",
                name, rate, seconds, cpu.perMessage(MESSAGES), counting.throttles.get());
        }
        finally
        {
            connector.stop();
        }
    }

    /** Sends n messages; a throttled send is sent again, as the lane would (without its backoff). */
    private static void run(final Connector connector, final Counting counting, final String recipient, final int n)
        throws InterruptedException
    {
        final long base = counting.done.get() + counting.failed.get() + 1_000_000L * counting.runs++;
        final long target = counting.done.get() + counting.failed.get() + n;
        int next = 0;
        while (counting.done.get() + counting.failed.get() < target)
        {
            DeliveryRequest request = counting.throttled.poll();
            if (request != null)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // the lane would back off too
            }
            else if (next < n)
            {
                request = Requests.push(base + next, MessageKind.INFORMATIONAL, recipient, "bench " + next);
                next++;
            }
            if (request == null)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000); // no spinning: 2 cores serve the peer and the connector
                continue;
            }
            counting.window.acquire();
            connector.send(request, counting);
        }
        assertThat(counting.failed.get()).as("failed or rejected sends: %s", counting.reasons).isZero();
    }

    /** The whole engine: client → ingest → ring → journal → push lane → connector → peer, until DELIVERED. */
    private void engine(final String name, final String recipient) throws Exception
    {
        final io.dispatch.config.Settings settings = PushTestPeers.pushLane(
            EngineFixture.settings(dir.resolve("engine-" + name)), apns, fcm)
            .set("lane.push.window", Integer.toString(WINDOW))
            .set("lane.push.capacity", Integer.toString(Math.max(16_384, MESSAGES * 2)))
            .set("status.capacity", Integer.toString(Math.max(65_536, MESSAGES * 4)))
            .set("lane.push.connector.fcm.connections", "2")
            .set("lane.push.connector.fcm.maxInFlight", Integer.toString(Math.max(1, WINDOW / 2)))
            .set("lane.push.connector.apns.requestTimeoutMs", "60000")
            .set("lane.push.connector.fcm.requestTimeoutMs", "60000");
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        try (Dispatcher engine = EngineFixture.launch(settings);
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).maxQueuedRequests(65_536).build()))
        {
            client.subscribeReceipts(Frames.SCOPE_CONNECTION,
                Frames.stateMask(DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED, DeliveryState.EXPIRED),
                (id, state, attempts, reason, at) -> (state == DeliveryState.DELIVERED ? delivered : other).incrementAndGet())
                .get(10, TimeUnit.SECONDS);
            submit(client, name + "-warm-", recipient, WARM_UP);
            await(engine, delivered, other, WARM_UP);
            delivered.set(0);
            final CpuSample cpu = CpuSample.take();
            final long start = System.nanoTime();
            submit(client, name + "-", recipient, MESSAGES);
            await(engine, delivered, other, MESSAGES);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double rate = MESSAGES / seconds;
            final double overheadUs = 1e6 / rate - 1e6 / directRate.get(name);
            System.out.printf("%-5s through engine : %,9.0f msg/s (%.2f s)  engine overhead %.1f µs/msg  cpu µs/msg %s%n",
                name, rate, seconds, overheadUs, cpu.perMessage(MESSAGES));
            assertThat(other.get()).as("messages that did not end DELIVERED").isZero();
        }
    }

    private static void submit(final DispatchClient client, final String keyPrefix, final String recipient, final int n)
        throws InterruptedException
    {
        BenchSubmitter.submitAll(client, n, 8_192, i -> Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.PUSH)
            .to(recipient).text("bench " + i).key(keyPrefix + i).build());
    }

    private static void await(final Dispatcher engine, final AtomicLong delivered, final AtomicLong other, final long n)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        long last = -1;
        long lastChangeNs = System.nanoTime();
        while (delivered.get() + other.get() < n && System.nanoTime() < deadline)
        {
            Thread.sleep(2);
            final long now = delivered.get() + other.get();
            if (now != last)
            {
                last = now;
                lastChangeNs = System.nanoTime();
            }
            else if (System.nanoTime() - lastChangeNs > TimeUnit.SECONDS.toNanos(30))
            {
                break; // stuck: no receipt for 30 s
            }
        }
        if (delivered.get() + other.get() < n)
        {
            // say where the messages are before failing: lane queues, in flight, connector counters
            System.out.println("stuck at " + (delivered.get() + other.get()) + " of " + n + " receipts; engine metrics:");
            System.out.println(adminMetrics(engine));
        }
        assertThat(delivered.get() + other.get()).as("terminal receipts").isGreaterThanOrEqualTo(n);
    }

    private static String adminMetrics(final Dispatcher engine) throws Exception
    {
        final java.net.URL url = new java.net.URL("http://127.0.0.1:" + engine.adminPort() + "/metrics");
        try (java.io.InputStream in = url.openStream())
        {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Counts outcomes, keeps the window; the connector's context. */
    private static final class Counting implements DeliveryCallback, ReceiptSink, ConnectorContext
    {
        final Semaphore window;
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong throttles = new AtomicLong();
        final java.util.Queue<DeliveryRequest> throttled = new java.util.concurrent.ConcurrentLinkedQueue<>();
        int runs;
        final Map<String, AtomicLong> reasons = new java.util.concurrent.ConcurrentHashMap<>();

        Counting(final int window)
        {
            this.window = new Semaphore(window);
        }

        @Override
        public void onAccepted(final DeliveryRequest request)
        {
            done.incrementAndGet();
            window.release();
        }

        @Override
        public void onRejected(final DeliveryRequest request, final Reason reason)
        {
            failed.incrementAndGet();
            reasons.computeIfAbsent("rejected " + reason, k -> new AtomicLong()).incrementAndGet();
            onAccepted(request);
        }

        @Override
        public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
        {
            if (reason == Reason.PROVIDER_THROTTLED)
            {
                throttles.incrementAndGet();
                throttled.add(request);
                window.release();
                return;
            }
            failed.incrementAndGet();
            reasons.computeIfAbsent("failed " + reason, k -> new AtomicLong()).incrementAndGet();
            onAccepted(request);
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
        {
        }

        @Override
        public String laneName()
        {
            return "push-bench";
        }

        @Override
        public ChannelType channel()
        {
            return ChannelType.PUSH;
        }

        @Override
        public EpochClock clock()
        {
            return SystemEpochClock.INSTANCE;
        }

        @Override
        public ReceiptSink receipts()
        {
            return this;
        }

        @Override
        public Path dataDir()
        {
            return StatelessConnectorDir.of(laneName(), this);
        }
    }

    /** CPU time per thread group since the sample was taken. */
    private record CpuSample(Map<Long, Long> cpuByThread)
    {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        static CpuSample take()
        {
            final Map<Long, Long> cpu = new HashMap<>();
            for (final long id : THREADS.getAllThreadIds())
            {
                cpu.put(id, THREADS.getThreadCpuTime(id));
            }
            return new CpuSample(cpu);
        }

        String perMessage(final int messages)
        {
            final Map<String, Long> byGroup = new TreeMap<>();
            for (final long id : THREADS.getAllThreadIds())
            {
                final ThreadInfo info = THREADS.getThreadInfo(id);
                final long now = THREADS.getThreadCpuTime(id);
                if (info == null || now < 0)
                {
                    continue;
                }
                byGroup.merge(group(info.getThreadName()), now - cpuByThread.getOrDefault(id, 0L), Long::sum);
            }
            final StringBuilder out = new StringBuilder();
            byGroup.forEach((g, ns) -> out.append(g).append('=').append(String.format("%.1f", ns / 1e3 / messages)).append(' '));
            return out.toString().trim();
        }

        private static String group(final String thread)
        {
            if (thread.startsWith("apns-peer") || thread.startsWith("fcm-peer"))
            {
                return "peer";
            }
            if (thread.startsWith("apns-push") || thread.startsWith("fcm-push") || thread.startsWith("HttpClient"))
            {
                return "connector";
            }
            if (thread.startsWith("lane-push") || thread.startsWith("ingest") || thread.startsWith("ring") ||
                thread.startsWith("journal") || thread.startsWith("dispatch"))
            {
                return "engine";
            }
            return "other";
        }
    }
}
