package io.dispatch.bench.connector;

import io.dispatch.Dispatcher;
import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.smpp.SmppConnectorFactory;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * SMS over SMPP against the loopback SMSC simulator, three ways at the same total window
 * ({@code binds × windowPerBind} outstanding submit_sm), in messages per second:
 * <pre>
 *  jsmpp      N threads ─▶ jSMPP sessions ─────────────────────────────▶ SMSC simulator   (the peer's ceiling)
 *  connector  send() ─▶ SmppConnector (queue, workers, encoding) ─────────▶ SMSC simulator
 *  engine     client ─▶ ingest ─▶ ring ─▶ journal ─▶ lane ─▶ SmppConnector ─▶ SMSC; until PROVIDER_ACCEPTED
 * </pre>
 * {@code connector − jsmpp} is the connector's cost per message, {@code engine − connector} the engine's
 * (1 / score each). One operation is one message; a batch of {@value #BATCH} per invocation. The simulator sends no
 * receipts (registered_delivery 0), so only the submit path is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmppConnectorBenchmark extends AbstractBenchmark
{
    static final int BATCH = 2_000;

    @Param({"jsmpp", "connector", "engine"})
    public String path;

    @Param({"1", "10"})
    public int windowPerBind;

    @Param({"2"})
    public int binds;

    private SmscSimulator smsc;
    private Path dir;
    // jsmpp
    private SMPPSession[] sessions;
    private ExecutorService pool;
    // connector
    private Connector connector;
    private DeliveryRequest[] requests;
    private Counting counting;
    // engine
    private Dispatcher engine;
    private DispatchClient client;
    private final AtomicReference<CountDownLatch> accepted = new AtomicReference<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        smsc = new SmscSimulator("bench", "bench", Math.max(4, windowPerBind)).recordSubmits(false);
        dir = Files.createTempDirectory("smpp-bench");
        final Path password = dir.resolve("password");
        Files.writeString(password, "bench");
        switch (path)
        {
            case "jsmpp":
                sessions = new SMPPSession[binds];
                for (int i = 0; i < binds; i++)
                {
                    sessions[i] = new SMPPSession();
                    sessions[i].setQueueCapacity(Math.max(100, windowPerBind * 4));
                    sessions[i].connectAndBind("127.0.0.1", smsc.port(), new BindParameter(BindType.BIND_TRX, "bench",
                        "bench", "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
                }
                pool = Executors.newFixedThreadPool(binds * windowPerBind);
                break;
            case "connector":
                final java.util.Map<String, String> s = new java.util.HashMap<>();
                s.put("host", "127.0.0.1");
                s.put("port", Integer.toString(smsc.port()));
                s.put("systemId", "bench");
                s.put("passwordFile", password.toString());
                s.put("binds", Integer.toString(binds));
                s.put("windowPerBind", Integer.toString(windowPerBind));
                s.put("registeredDelivery", "none");
                connector = new SmppConnectorFactory().create(s);
                counting = new Counting(dir.resolve("connector"));
                connector.start(counting);
                requests = new DeliveryRequest[BATCH];
                for (int i = 0; i < BATCH; i++)
                {
                    requests[i] = request(i);
                }
                break;
            default:
                final Settings settings = SmppEngineSettings.of(dir, smsc.port(), "bench", password)
                    .set("lane.sms.connector.binds", Integer.toString(binds))
                    .set("lane.sms.connector.windowPerBind", Integer.toString(windowPerBind))
                    .set("lane.sms.connector.registeredDelivery", "none");
                engine = EngineFixture.launch(settings);
                client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build());
                client.subscribeReceipts(Frames.SCOPE_CONNECTION, Frames.stateMask(DeliveryState.PROVIDER_ACCEPTED),
                    (id, state, attempts, reason, at) ->
                    {
                        final CountDownLatch latch = accepted.get();
                        if (latch != null)
                        {
                            latch.countDown();
                        }
                    }).join();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        if (sessions != null)
        {
            for (final SMPPSession s : sessions)
            {
                s.unbindAndClose();
            }
            pool.shutdownNow();
        }
        if (connector != null)
        {
            connector.stop();
        }
        if (client != null)
        {
            client.close();
        }
        if (engine != null)
        {
            engine.close();
        }
        smsc.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void submitBatch() throws Exception
    {
        switch (path)
        {
            case "jsmpp": jsmppBatch(); break;
            case "connector": connectorBatch(); break;
            default: engineBatch();
        }
    }

    private void jsmppBatch() throws Exception
    {
        final AtomicInteger remaining = new AtomicInteger(BATCH);
        final CountDownLatch done = new CountDownLatch(binds * windowPerBind);
        final byte[] text = "Your order has shipped".getBytes(StandardCharsets.US_ASCII);
        for (int t = 0; t < binds * windowPerBind; t++)
        {
            final SMPPSession session = sessions[t % binds];
            pool.execute(() ->
            {
                try
                {
                    while (remaining.getAndDecrement() > 0)
                    {
                        session.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "1588",
                            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.ISDN, "01012345678", new ESMClass(), (byte)0,
                            (byte)0, null, null, new RegisteredDelivery(0), (byte)0, DataCodings.ZERO, (byte)0, text);
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                finally
                {
                    done.countDown();
                }
            });
        }
        done.await();
    }

    private void connectorBatch() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(BATCH);
        counting.latch = done;
        for (final DeliveryRequest r : requests)
        {
            connector.send(r, counting);
        }
        done.await();
        if (counting.failures.get() > 0)
        {
            throw new IllegalStateException(counting.failures.get() + " sends failed");
        }
    }

    private void engineBatch() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(BATCH);
        accepted.set(done);
        final Submit submit = Submit.builder().channel(ChannelType.SMS).to("01012345678").text("Your order has shipped")
            .build();
        for (int i = 0; i < BATCH; i++)
        {
            client.submit(submit);
        }
        if (!done.await(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("only " + (BATCH - done.getCount()) + " accepted within 60 s");
        }
    }

    private static DeliveryRequest request(final int i)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", "01012345678", null,
            "Your order has shipped", null);
        final byte[] body = new byte[n];
        b.readBytes(body);
        final DeliveryRequest r = new DeliveryRequest(i);
        r.fill(i, 1, "bench", MessageKind.INFORMATIONAL, ChannelType.SMS, 0, Long.MAX_VALUE / 2, body, n);
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
            return "sms-bench";
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
            return dataDir;
        }
    }
}
