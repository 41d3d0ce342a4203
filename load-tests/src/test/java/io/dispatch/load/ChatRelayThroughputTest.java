package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.ConnectorFactory;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.kakao.KakaoConnectorFactory;
import io.dispatch.connector.kakao.KakaoRelayPeer;
import io.dispatch.connector.webhook.TestCertificate;
import io.dispatch.connector.webhook.WebhookConnectorFactory;
import io.dispatch.connector.webhook.WebhookReceiverPeer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.BenchSubmitter;
import io.dispatch.testing.EngineFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of the chat connectors against their loopback peers, and the engine's overhead per message:
 * <ol>
 *   <li>{@code kakao} connector alone (driven like a lane: a window of reused requests) → relay → webhook, one
 *       recipient per request (informational) and batched (marketing, up to 1,000 per request);</li>
 *   <li>the whole engine with {@code lane.chat.connector=kakao}: client → ring → journal → lane → relay →
 *       webhook → DELIVERED receipt back to the client;</li>
 *   <li>{@code webhook} connector alone → HTTPS receiver.</li>
 * </ol>
 * Each prints messages/s and CPU µs per message by thread group (peer, connector loop, lane, engine),
 * which shows who the bottleneck is. By default a smoke run of 500 messages (part of the build, a few
 * seconds); for figures on a quiet machine:
 * <pre>
 * mvn -B -pl load-tests -am test -Dtest=ChatRelayThroughputTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dchat.bench.messages=200000 -Dchat.bench.window=1024
 * </pre>
 * Results also go to {@code load-tests/target/chat-bench.txt}.
 */
@Timeout(600)
class ChatRelayThroughputTest
{
    static final int MESSAGES = Integer.getInteger("chat.bench.messages", 500);
    static final int WINDOW = Integer.getInteger("chat.bench.window", 256);
    static final String SECRET = "bench-secret";
    static final String SENDER = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void kakaoConnectorAlone() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer("bench", SECRET, SENDER).recordRequests(false).webhookDelayMs(0))
        {
            final Map<String, String> s = kakaoSettings(peer);
            final Result r = driveConnector(new KakaoConnectorFactory(), s, MessageKind.INFORMATIONAL,
                (connector, lane) -> peer.webhookTarget(URI.create("http://127.0.0.1:" + webhookPort(lane)
                    + "/kakao/webhook"), null));
            report("kakao connector alone (window " + WINDOW + ")", r);
            assertThat(r.delivered).isEqualTo(MESSAGES);
        }
    }

    /** As {@link #kakaoConnectorAlone}, with marketing messages: batches of up to 1,000 recipients per request. */
    @Test
    void kakaoConnectorBatched() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer("bench", SECRET, SENDER).recordRequests(false).webhookDelayMs(0))
        {
            final Map<String, String> s = kakaoSettings(peer);
            final Result r = driveConnector(new KakaoConnectorFactory(), s, MessageKind.MARKETING,
                (connector, lane) -> peer.webhookTarget(URI.create("http://127.0.0.1:" + webhookPort(lane)
                    + "/kakao/webhook"), null));
            report("kakao connector batched, " + peer.sendRequests() + " requests (window " + WINDOW + ")", r);
            assertThat(r.delivered).isEqualTo(MESSAGES);
            assertThat(peer.sendRequests()).isLessThan(MESSAGES);
        }
    }

    @Test
    void kakaoThroughTheEngine() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer("bench", SECRET, SENDER).recordRequests(false).webhookDelayMs(0))
        {
            final Settings s = new Settings(new Properties());
            EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
            {
                if (!k.startsWith("lane.chat.connector."))
                {
                    s.set(k, v);
                }
            });
            s.set("lane.chat.connector", "kakao");
            s.set("lane.chat.window", Integer.toString(WINDOW));
            s.set("lane.chat.capacity", Integer.toString(Math.max(16_384, MESSAGES * 2)));
            s.set("status.capacity", Integer.toString(Integer.highestOneBit(Math.max(65_536, MESSAGES * 4))));
            kakaoSettings(peer).forEach((k, v) -> s.set("lane.chat.connector." + k, v));
            try (Dispatcher engine = EngineFixture.launch(s);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(engine.port()).tenant("demo").apiKey("demo-key").maxQueuedRequests(MESSAGES + 1024).build()))
            {
                final int port = ((io.dispatch.connector.kakao.KakaoConnector)engine.lane(ChannelType.CHAT).connector())
                    .webhookPort();
                peer.webhookTarget(URI.create("http://127.0.0.1:" + port + "/kakao/webhook"), null);
                final CountDownLatch done = new CountDownLatch(MESSAGES);
                final AtomicLong delivered = new AtomicLong();
                client.subscribeReceipts(Frames.SCOPE_CONNECTION, Frames.stateMask(DeliveryState.DELIVERED,
                    DeliveryState.FAILED, DeliveryState.REJECTED, DeliveryState.EXPIRED), (id, state, a, reason, at) ->
                {
                    if (state == DeliveryState.DELIVERED)
                    {
                        delivered.incrementAndGet();
                    }
                    done.countDown();
                }).join();
                final CpuByThread cpu = new CpuByThread();
                final long start = System.nanoTime();
                // keyed, and resubmitted on BACKPRESSURE: the fixture's ring has 4,096 slots
                BenchSubmitter.submitAll(client, MESSAGES, 8_192, i -> Submit.builder().kind(MessageKind.INFORMATIONAL)
                    .channel(ChannelType.CHAT).to("01012345678").template("order-shipped").var("shop", "가게")
                    .var("tracking", "1").key("chat-bench-" + i).build());
                assertThat(done.await(300, TimeUnit.SECONDS)).as("all terminal").isTrue();
                final Result r = new Result(System.nanoTime() - start, delivered.get(), cpu.since());
                report("engine end to end, kakao lane (window " + WINDOW + ")", r);
                assertThat(r.delivered).isEqualTo(MESSAGES);
            }
        }
    }

    @Test
    void webhookConnectorAlone() throws Exception
    {
        final TestCertificate certificate = TestCertificate.generate(Files.createDirectories(dir.resolve("tls")),
            "dns:localhost,ip:127.0.0.1");
        try (WebhookReceiverPeer peer = new WebhookReceiverPeer(certificate.serverContext(), SECRET).recordDeliveries(false))
        {
            final Map<String, String> s = new HashMap<>();
            s.put("url", "https://localhost:" + peer.port() + "/hooks");
            s.put("secretFile", Files.writeString(dir.resolve("secret"), SECRET).toString());
            s.put("trustCertFile", certificate.certificatePem.toString());
            s.put("requestTimeoutMs", "30000");
            final Result r = driveConnector(new WebhookConnectorFactory(), s, MessageKind.INFORMATIONAL, (c, l) -> { });
            report("webhook connector alone, HTTPS (window " + WINDOW + ")", r);
            assertThat(r.delivered).isEqualTo(MESSAGES);
        }
    }

    private Map<String, String> kakaoSettings(final KakaoRelayPeer peer) throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("appKey", "bench");
        s.put("senderKey", SENDER);
        s.put("secretKeyFile", Files.writeString(dir.resolve("kakao-secret"), SECRET).toString());
        s.put("webhook.port", "0");
        s.put("requestTimeoutMs", "30000");
        return s;
    }

    private static int webhookPort(final BenchLane lane)
    {
        return ((io.dispatch.connector.kakao.KakaoConnector)lane.connector).webhookPort();
    }

    // ---- driving a connector the way a lane does ----

    record Result(long elapsedNs, long delivered, Map<String, Long> cpuNs)
    {
    }

    interface AfterStart
    {
        void run(Connector connector, BenchLane lane) throws Exception;
    }

    private Result driveConnector(
        final ConnectorFactory factory, final Map<String, String> settings, final MessageKind kind, final AfterStart after)
        throws Exception
    {
        factory.validate(settings);
        final Connector connector = factory.create(settings);
        final BenchLane lane = new BenchLane(connector, dir.resolve("connector"));
        connector.start(lane);
        try
        {
            after.run(connector, lane);
            final byte[] body = submitBody(kind);
            final CpuByThread cpu = new CpuByThread();
            final long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++)
            {
                final DeliveryRequest r = lane.free.take();
                r.fill(1_000_000L + i, 1, "demo", kind, ChannelType.CHAT, 0L, Long.MAX_VALUE, body, body.length);
                r.templateText("[#{shop}] 송장 #{tracking}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                connector.send(r, lane);
            }
            assertThat(lane.accepted.await(300, TimeUnit.SECONDS)).as("all accepted").isTrue();
            System.out.printf("all accepted after %.2f s%n", (System.nanoTime() - start) / 1e9);
            assertThat(lane.done.await(300, TimeUnit.SECONDS)).as("all delivered").isTrue();
            return new Result(System.nanoTime() - start, lane.delivered.get(), cpu.since());
        }
        finally
        {
            connector.stop();
        }
    }

    private static byte[] submitBody(final MessageKind kind)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, kind, ChannelType.CHAT, 0, "", "01012345678", "order-shipped", "",
            Map.of("shop", "가게", "tracking", "1"));
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        return body;
    }

    /** A lane stand-in: a window of reused requests, counting outcomes and DELIVERED receipts. */
    static final class BenchLane implements ConnectorContext, DeliveryCallback, ReceiptSink
    {
        final Connector connector;
        final Path dataDir;
        final ArrayBlockingQueue<DeliveryRequest> free = new ArrayBlockingQueue<>(WINDOW);
        final CountDownLatch done = new CountDownLatch(MESSAGES);
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong other = new AtomicLong();

        BenchLane(final Connector connector, final Path dataDir)
        {
            this.connector = connector;
            this.dataDir = dataDir;
            for (int i = 0; i < WINDOW; i++)
            {
                free.add(new DeliveryRequest(i));
            }
        }

        final CountDownLatch accepted = new CountDownLatch(MESSAGES);

        @Override
        public void onAccepted(final DeliveryRequest request)
        {
            free.add(request);
            accepted.countDown();
        }

        @Override
        public void onRejected(final DeliveryRequest request, final Reason reason)
        {
            other.incrementAndGet();
            free.add(request);
            done.countDown();
        }

        @Override
        public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
        {
            other.incrementAndGet();
            free.add(request);
            done.countDown();
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
        {
            if (state == DeliveryState.DELIVERED)
            {
                delivered.incrementAndGet();
            }
            done.countDown();
        }

        @Override
        public String laneName()
        {
            return "chat-bench";
        }

        @Override
        public ChannelType channel()
        {
            return ChannelType.CHAT;
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
            return dataDir;
        }
    }

    /** CPU time per thread group since construction: shows which side saturates first. */
    static final class CpuByThread
    {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> before = snapshot();

        private Map<Long, Long> snapshot()
        {
            final Map<Long, Long> m = new HashMap<>();
            for (final long id : mx.getAllThreadIds())
            {
                m.put(id, mx.getThreadCpuTime(id));
            }
            return m;
        }

        Map<String, Long> since()
        {
            final Map<String, Long> byGroup = new TreeMap<>();
            for (final long id : mx.getAllThreadIds())
            {
                final java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
                final long now = mx.getThreadCpuTime(id);
                if (info == null || now < 0)
                {
                    continue;
                }
                byGroup.merge(group(info.getThreadName()), now - before.getOrDefault(id, 0L), Long::sum);
            }
            return byGroup;
        }

        private static String group(final String name)
        {
            if (name.startsWith("kakao-peer") || name.startsWith("webhook-peer") || name.startsWith("HttpClient"))
            {
                return "peer";
            }
            if (name.startsWith("kakao-") || name.startsWith("webhook-"))
            {
                return "connector event loop";
            }
            if (name.startsWith("lane-"))
            {
                return "engine lanes";
            }
            if (name.startsWith("ingest") || name.startsWith("ring") || name.startsWith("dispatch") || name.startsWith("journal"))
            {
                return "engine ingest/ring/journal";
            }
            if (name.startsWith("client") || name.contains("dispatch-client"))
            {
                return "client";
            }
            return "other (" + name.replaceAll("[-_ ]?\\d+", "") + ")";
        }
    }

    private static synchronized void report(final String what, final Result r) throws Exception
    {
        final double seconds = r.elapsedNs / 1e9;
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%s: %d messages in %.2f s = %.0f msg/s (%d delivered)%n",
            what, MESSAGES, seconds, MESSAGES / seconds, r.delivered));
        r.cpuNs.forEach((group, ns) ->
        {
            if (ns > 1_000_000)
            {
                out.append(String.format("    cpu %-40s %8.1f µs/msg  (%.0f%% of one core)%n",
                    group, ns / 1e3 / MESSAGES, 100.0 * ns / r.elapsedNs));
            }
        });
        System.out.print(out);
        final Path file = Path.of("target", "chat-bench.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
