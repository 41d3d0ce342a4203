package io.dispatch.bench.connector;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.ScratchDirectory;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.StateSink;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Informational latency through a connector lane while a marketing backlog drains: each operation
 * hands one informational message to a real {@link ConnectorLane} whose bulk queue holds
 * {@code backlog} marketing messages (kept topped up), and drives the lane's duty cycle until the
 * connector has it. The provider accepts inline (and sends the receipt inline), so the score is the
 * runtime's own cost: outcome draining, rate gate, journal read of the message, the send. It shows
 * that the informational message does not queue behind the backlog; the aux counter
 * {@code marketingAhead} counts marketing sends the lane made before it (at most the window's share).
 * <pre>
 *   enqueue(informational) ─▶ doWork ... ─▶ connector.send(informational)   ◀── timed
 *   bulk queue: [backlog marketing] ─▶ sent in the same duty cycles, re-enqueued after each op
 * </pre>
 * The journal (a real Chronicle queue in {@code java.io.tmpdir}) is written once per trial.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class LanePriorityBenchmark extends AbstractBenchmark
{
    private static final int INFORMATIONAL_IDS = 1024;

    /** Marketing messages queued in the lane (1000000 for issue 3's figure: -p backlog=1000000). */
    @Param({"100000"})
    public int backlog;

    @Param({"64"})
    public int window;

    /**
     * Lane rate; 0 = unlimited. Operations run back to back, so with a rate the informational stream
     * itself exceeds the lane's rate within a second and the score shows the token bucket's wait, not
     * queueing behind marketing: use a rate only to see that.
     */
    @Param({"0"})
    public long ratePerSecond;

    private ScratchDirectory dir;
    private Journal journal;
    private ConnectorLane lane;
    private InlineConnector connector;
    private long[] informational;
    private int next;

    /** Marketing sends the lane made between an informational hand-off and its send. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Ahead
    {
        public long marketingAhead;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = new ScratchDirectory("lane-priority-bench");
        journal = new Journal(dir.path(), "FAST_DAILY");
        final byte[] tenant = "bench".getBytes(StandardCharsets.UTF_8);
        final long now = System.currentTimeMillis();
        final long[] marketing = new long[backlog];
        informational = new long[INFORMATIONAL_IDS];
        final ByteBuf body = Unpooled.buffer(256);
        final byte[] bytes = new byte[256];
        try (JournalWriter writer = journal.newWriter(false))
        {
            for (int i = 0; i < backlog + INFORMATIONAL_IDS; i++)
            {
                final MessageKind kind = i < backlog ? MessageKind.MARKETING : MessageKind.INFORMATIONAL;
                body.clear();
                final int n = ByteBufFrames.submitBody(body, kind, ChannelType.SMS, 86_400, "", "0101234" + i, "", "benchmark", null);
                body.getBytes(0, bytes, 0, n);
                final long id = writer.appendAccepted(kind.code(), ChannelType.SMS.code(), tenant, 86_400, now, 0,
                    Decision.SEND.code(), false, (short)0, 0, bytes, n);
                if (i < backlog)
                {
                    marketing[i] = id;
                }
                else
                {
                    informational[i - backlog] = id;
                }
            }
        }
        final Settings s = new Settings(new Properties());
        s.set("lane.sms.window", Integer.toString(window));
        s.set("lane.sms.capacity", Integer.toString(backlog * 2 + 4096));
        s.set("lane.sms.ratePerSecond", Long.toString(ratePerSecond));
        final LaneConfig config = DispatcherConfig.from(s).lanes().get(ChannelType.SMS);
        final Counters counters = new Counters();
        connector = new InlineConnector();
        lane = new ConnectorLane(config, connector, new LaneAdmission(config.capacity()), journal, dir.path(),
            new TemplateRegistry(Map.of()), new NoopStateSink(), SystemEpochClock.INSTANCE, SystemNanoClock.INSTANCE,
            () -> Long.MAX_VALUE, new DistinctErrorLog(counters), counters);
        lane.startOnCallerThread();
        for (final long id : marketing)
        {
            lane.admission().forceAcquire(false);
            lane.enqueue(id, false);
        }
    }

    @Benchmark
    public long informationalThroughBacklog(final Ahead ahead)
    {
        final long id = informational[next++ & (INFORMATIONAL_IDS - 1)];
        connector.target = id;
        connector.targetSeen = false;
        final long marketingBefore = connector.marketingSent;
        lane.admission().forceAcquire(true);
        lane.enqueue(id, true);
        while (!connector.targetSeen)
        {
            lane.doWork();
        }
        ahead.marketingAhead += connector.marketingAtTarget - marketingBefore;
        // keep the backlog where it was: what was sent goes back to the end of the bulk queue
        for (long m = connector.sentMarketing.pollLong(); m != -1; m = connector.sentMarketing.pollLong())
        {
            lane.admission().forceAcquire(false);
            lane.enqueue(m, false);
        }
        return id;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        lane.close();
        journal.close();
        dir.close();
    }

    /** A provider that accepts at once and delivers the receipt at once, on the lane thread. */
    private static final class InlineConnector implements Connector
    {
        final LongArrayQueue sentMarketing = new LongArrayQueue(4096, -1);
        long target;
        boolean targetSeen;
        long marketingSent;
        long marketingAtTarget;
        private ConnectorContext context;

        @Override
        public String version()
        {
            return "inline";
        }

        @Override
        public void start(final ConnectorContext context)
        {
            this.context = context;
        }

        @Override
        public void send(final DeliveryRequest request, final DeliveryCallback callback)
        {
            final long id = request.messageId();
            if (request.kind() == MessageKind.MARKETING)
            {
                marketingSent++;
                sentMarketing.addLong(id);
            }
            else if (id == target)
            {
                targetSeen = true;
                marketingAtTarget = marketingSent;
            }
            callback.onAccepted(request);
            context.receipts().onReceipt(id, DeliveryState.DELIVERED, Reason.NONE);
        }

        @Override
        public void stop()
        {
        }
    }

    private static final class NoopStateSink implements StateSink
    {
        private long position;

        @Override
        public void publish(
            final long messageId, final DeliveryState state, final int attempts, final byte channel, final Reason reason,
            final long atMs)
        {
        }

        @Override
        public void fallBack(
            final long messageId, final byte channel, final Reason trigger, final long atMs, final boolean priority)
        {
        }

        @Override
        public long flush()
        {
            return ++position;
        }
    }
}
