package io.dispatch.connector.smsrelay;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code smsrelay} connector's cost per message, two benchmarks (one operation = one message):
 * <pre>
 *  plan       lane thread: EUC-KR measuring, type choice, request body (SMS: 1 part; LMS: title + 2,000-byte limit)
 *  connector  send() ─▶ event loop ─▶ HTTP/1.1 pool ─▶ SmsRelayPeer (checks, answer) ─▶ onAccepted, batches of 2,000
 * </pre>
 * {@code plan} is CPU only: 1 / score is the lane thread's time per message. {@code connector} is peer-bound
 * throughput on loopback; each iteration also prints the CPU µs per message of the connector's event loop and of
 * the peer's thread (ThreadMXBean), so the split is visible on a shared machine. No webhooks (the peer sends none
 * without a target): the send path only.
 * <p>In the connector's package because the planner is package-private, as it is for the tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmsRelayConnectorBenchmark extends AbstractBenchmark
{
    static final int BATCH = 2_000;
    private static final String SMS_TEXT = "[가게] 주문하신 상품이 발송되었습니다. 송장 1234-5678";
    private static final String LMS_TEXT = "[가게] 배송 안내\n" + "주문하신 상품이 오늘 발송되었습니다. ".repeat(8);

    @Param({"SMS", "LMS"})
    public String type;

    @Param({"64"})
    public int window;

    private Path dir;
    private SmsRelayPeer peer;
    private Connector connector;
    private SmsRelayRequestWriter writer;
    private SmsRelaySettings settings;
    private DeliveryRequest[] requests;
    private final Counting counting = new Counting();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long connectorCpuNs;
    private long peerCpuNs;
    private long messagesAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = Files.createTempDirectory("smsrelay-bench");
        peer = new SmsRelayPeer("bench", "secret", "0212345678").recordRequests(false);
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("appKey", "bench");
        s.put("sendNo", "0212345678");
        s.put("secretKeyFile", Files.writeString(dir.resolve("secret"), "secret").toString());
        s.put("maxConnections", Integer.toString(window));
        s.put("images.dir", dir.resolve("images").toString());
        settings = SmsRelaySettings.parse(s);
        writer = new SmsRelayRequestWriter(settings);
        requests = new DeliveryRequest[BATCH];
        for (int i = 0; i < requests.length; i++)
        {
            requests[i] = request(i + 1, "SMS".equals(type) ? SMS_TEXT : LMS_TEXT);
        }
        connector = new SmsRelayConnectorFactory().create(s);
        connector.start(counting);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        if (connector != null)
        {
            connector.stop();
        }
        peer.close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        connectorCpuNs = cpuOf("smsrelay-bench");
        peerCpuNs = cpuOf("smsrelay-peer");
        messagesAtStart = counting.accepted.get();
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        final long messages = counting.accepted.get() - messagesAtStart;
        if (messages > 0)
        {
            System.out.printf("%n  cpu per message: connector event loop %.1f µs, peer %.1f µs (%d messages)%n",
                (cpuOf("smsrelay-bench") - connectorCpuNs) / 1e3 / messages,
                (cpuOf("smsrelay-peer") - peerCpuNs) / 1e3 / messages, messages);
        }
    }

    @Benchmark
    public int plan()
    {
        final DeliveryRequest r = requests[0];
        final SmsRelayRequestWriter.Plan p = writer.plan(r);
        return SmsRelayRequestWriter.body(settings, p, 0, "01012345678", r.tenant(), r.messageId(), new long[0]).length;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void connector() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(BATCH);
        counting.latch = done;
        int next = 0;
        final java.util.concurrent.Semaphore inFlight = counting.inFlight;
        inFlight.drainPermits();
        inFlight.release(window);
        for (final DeliveryRequest r : requests)
        {
            // the lane window: at most `window` sends outstanding
            inFlight.acquire();
            connector.send(r, counting);
            next++;
        }
        if (!done.await(60, TimeUnit.SECONDS) || counting.failures.get() > 0)
        {
            throw new IllegalStateException("not all accepted: " + counting.failures.get() + " failed, " + next + " sent");
        }
    }

    private long cpuOf(final String prefix)
    {
        long total = 0;
        for (final ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (t != null && t.getThreadName().startsWith(prefix))
            {
                total += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    private static DeliveryRequest request(final long id, final String text)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", "010-1234-5678", "", text,
            Map.of());
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final DeliveryRequest r = new DeliveryRequest((int)id);
        r.fill(id, 1, "bench", MessageKind.INFORMATIONAL, ChannelType.SMS, System.currentTimeMillis(), Long.MAX_VALUE, body, n);
        return r;
    }

    /** The lane's side: counts outcomes, frees a window slot per outcome. */
    static final class Counting implements ConnectorContext, DeliveryCallback, ReceiptSink
    {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(0);
        volatile CountDownLatch latch;

        @Override
        public void onAccepted(final DeliveryRequest request)
        {
            accepted.incrementAndGet();
            inFlight.release();
            latch.countDown();
        }

        @Override
        public void onRejected(final DeliveryRequest request, final Reason reason)
        {
            failures.incrementAndGet();
            inFlight.release();
            latch.countDown();
        }

        @Override
        public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
        {
            onRejected(request, reason);
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
        {
        }

        @Override
        public String laneName()
        {
            return "bench";
        }

        @Override
        public ChannelType channel()
        {
            return ChannelType.SMS;
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
            return Path.of(System.getProperty("java.io.tmpdir"), "smsrelay-bench", "connectors", "bench");
        }
    }
}
