package io.dispatch.bench.connector;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.connector.ChatPlatformPeer;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.messenger.MessengerConnectorFactory;
import io.dispatch.connector.messenger.MessengerPeer;
import io.dispatch.connector.talktalk.TalkTalkConnectorFactory;
import io.dispatch.connector.talktalk.TalkTalkPeer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chat connectors against their loopback peers over HTTP/1.1, in messages per second: {@code talktalk}
 * (partner API send events) and {@code messenger} (Send API, the Page's local rate off). Each batch of
 * {@value #BATCH} sends goes to the connector at once, as a lane with a large window would hand them over; the
 * connector's pool puts {@code maxConnections} of them on the wire. The peer parses and checks every request, so it
 * is part of the score: the score is the peer-bound throughput on this machine.
 * <p>
 * CPU per message by thread group (the connector's event loop, the peer's event loop, and the benchmark thread
 * that calls {@code send}, which builds the body) is printed after each measured iteration and for the trial, from
 * {@link ThreadMXBean} thread CPU times: {@code cpu-us-per-msg connector=… peer=… sender=…}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChatConnectorBenchmark extends AbstractBenchmark
{
    static final int BATCH = 2_000;
    private static final String LANE = "bench";

    @Param({"talktalk", "messenger"})
    public String connectorType;

    @Param({"16"})
    public int maxConnections;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Path dir;
    private ChatPlatformPeer peer;
    private Connector connector;
    private DeliveryRequest[] requests;
    private Counting counting;
    private long sent;
    private long[] cpuAtStart;
    private long sentAtStart;
    private final long[] cpuTotal = new long[3];
    private long sentTotal;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = Files.createTempDirectory("chat-bench");
        final Map<String, String> s = new HashMap<>();
        s.put("maxConnections", Integer.toString(maxConnections));
        s.put("requestTimeoutMs", "60000");
        final String recipient;
        if ("talktalk".equals(connectorType))
        {
            peer = new TalkTalkPeer("bench-key", null);
            s.put("authorizationFile", Files.writeString(dir.resolve("key"), "bench-key").toString());
            connector = new TalkTalkConnectorFactory().create(withBase(s));
            recipient = "al-2eGuGr5WQOnco1_V-FQ";
        }
        else
        {
            peer = new MessengerPeer("1234567890", "bench-token", "bench-secret");
            s.put("pageId", "1234567890");
            s.put("pageAccessTokenFile", Files.writeString(dir.resolve("token"), "bench-token").toString());
            s.put("ratePerSecond", "0");
            connector = new MessengerConnectorFactory().create(withBase(s));
            recipient = "24681357";
        }
        counting = new Counting(dir.resolve("connector"));
        connector.start(counting);
        requests = new DeliveryRequest[BATCH];
        for (int i = 0; i < BATCH; i++)
        {
            requests[i] = request(i, recipient);
        }
    }

    private Map<String, String> withBase(final Map<String, String> s)
    {
        s.put("baseUrl", peer.baseUrl());
        return s;
    }

    @Setup(Level.Iteration)
    public void iterationStart()
    {
        cpuAtStart = cpu();
        sentAtStart = sent;
    }

    @TearDown(Level.Iteration)
    public void iterationEnd()
    {
        final long[] now = cpu();
        final long messages = sent - sentAtStart;
        final StringBuilder line = new StringBuilder("cpu-us-per-msg ").append(connectorType);
        for (int g = 0; g < now.length; g++)
        {
            final long ns = now[g] - cpuAtStart[g];
            cpuTotal[g] += ns;
            line.append(' ').append(GROUPS[g]).append('=').append(String.format("%.1f", ns / 1000.0 / Math.max(1, messages)));
        }
        sentTotal += messages;
        System.out.println(line.append(" messages=").append(messages));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        final StringBuilder line = new StringBuilder("cpu-us-per-msg-trial ").append(connectorType);
        for (int g = 0; g < cpuTotal.length; g++)
        {
            line.append(' ').append(GROUPS[g]).append('=')
                .append(String.format("%.1f", cpuTotal[g] / 1000.0 / Math.max(1, sentTotal)));
        }
        System.out.println(line.append(" messages=").append(sentTotal));
        connector.stop();
        peer.close();
        try (var files = Files.walk(dir))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sendBatch() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(BATCH);
        counting.latch = done;
        for (final DeliveryRequest r : requests)
        {
            connector.send(r, counting);
        }
        if (!done.await(120, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("only " + (BATCH - done.getCount()) + " answered within 120 s");
        }
        if (counting.failures.get() > 0)
        {
            throw new IllegalStateException(counting.failures.get() + " sends failed");
        }
        sent += BATCH;
    }

    private static final String[] GROUPS = {"connector", "peer", "sender"};

    /** CPU ns so far of the connector's event loop, the peer's event loop, and the benchmark (sender) threads. */
    private long[] cpu()
    {
        final long[] ns = new long[GROUPS.length];
        for (final ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (t == null)
            {
                continue;
            }
            final String name = t.getThreadName();
            final int group = name.startsWith(connectorType + "-peer") ? 1
                : name.startsWith(connectorType + "-" + LANE) ? 0
                : name.contains("jmh-worker") ? 2 : -1;
            if (group >= 0)
            {
                ns[group] += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return ns;
    }

    private static DeliveryRequest request(final int i, final String recipient)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.CHAT, 0, "", recipient, null,
            "주문하신 상품이 출발했습니다. 송장번호 1234-5678", null);
        final byte[] body = new byte[n];
        b.readBytes(body);
        final DeliveryRequest r = new DeliveryRequest(i);
        r.fill(i, 1, "bench", MessageKind.INFORMATIONAL, ChannelType.CHAT, 0, Long.MAX_VALUE / 2, body, n);
        return r;
    }

    /** The runtime's part: counts outcomes, nothing else. */
    static final class Counting implements ConnectorContext, ReceiptSink, DeliveryCallback
    {
        volatile CountDownLatch latch;
        final AtomicInteger failures = new AtomicInteger();
        private final Path dataDir;

        Counting(final Path dataDir)
        {
            this.dataDir = dataDir;
        }

        @Override
        public void onAccepted(final DeliveryRequest request)
        {
            latch.countDown();
        }

        @Override
        public void onRejected(final DeliveryRequest request, final Reason reason)
        {
            failures.incrementAndGet();
            latch.countDown();
        }

        @Override
        public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
        {
            failures.incrementAndGet();
            latch.countDown();
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
        {
        }

        @Override
        public String laneName()
        {
            return LANE;
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
}
