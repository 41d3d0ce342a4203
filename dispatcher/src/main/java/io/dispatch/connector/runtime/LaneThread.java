package io.dispatch.connector.runtime;

import io.dispatch.config.IdleStrategies;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.InboundSink;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.RecordLog;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.util.DormantIdle;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The life cycle of a lane as an agent: a named thread that starts the connector on itself, runs
 * {@link #doWork()} under the lane's idle strategy, and stops the connector on itself. Tests skip the
 * thread with {@link #startOnCallerThread()} and call {@link #doWork()} directly.
 */
abstract class LaneThread implements ConnectorContext, ReceiptSink, DeliveryCallback, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LaneThread.class);
    /** Idle duty cycles before a {@code backoff} lane goes dormant: about a second once its parks reach 1 ms. */
    static final int DORMANT_AFTER_IDLE_CYCLES = 1_000;

    private final String name;
    private final Connector connector;
    private final EpochClock clock;
    private final ChannelType channelType;
    private final Path dataDir;
    private final DormantIdle idle;
    private final OutcomeQueue outcomes;
    private volatile InboundSink inbound = InboundSink.NONE;
    private volatile boolean running;
    private Thread thread;
    private boolean startedInline;
    /** Set as the lane starts: from then on its wiring is fixed ({@link #requireNotStarted}). */
    private volatile boolean startCalled;
    /** {@link #confirmedDeliveriesOnly}: the connector's DELIVERED receipts are dropped, its other receipts pass. */
    private final ReceiptSink providerReceipts = (messageId, state, reason) ->
    {
        if (state != DeliveryState.DELIVERED)
        {
            onReceipt(messageId, state, reason);
        }
    };
    private boolean confirmedDeliveriesOnly;

    LaneThread(
        final String name, final Connector connector, final EpochClock clock, final ChannelType channelType,
        final String idleStrategy, final int outcomeCapacity, final Path engineDataDir)
    {
        this.name = name;
        this.dataDir = engineDataDir.resolve("connectors").resolve(name);
        this.connector = connector;
        this.clock = clock;
        this.channelType = channelType;
        // the default strategy lets a lane nobody sends on sleep; the spinning ones were chosen not to
        this.idle = new DormantIdle(IdleStrategies.create(idleStrategy),
            "backoff".equals(idleStrategy) ? DORMANT_AFTER_IDLE_CYCLES : Integer.MAX_VALUE);
        this.outcomes = new OutcomeQueue(outcomeCapacity);
    }

    /**
     * The lane's collaborators are wired once, before it starts (the engine's composition root does it); a setter
     * called on a running lane would swap a component under its thread, so it is refused.
     */
    protected final void requireNotStarted(final String what)
    {
        if (startCalled)
        {
            throw new IllegalStateException("lane " + name + ": " + what + " is wired before start, not on a running lane");
        }
    }

    /** One duty cycle. @return work done (0 lets the idle strategy back off). */
    public abstract int doWork();

    /** On the lane thread, before the connector starts. */
    protected abstract void onStart();

    /** On the lane thread, right after the connector started, before the first duty cycle. */
    protected abstract void onConnectorStarted();

    /** On the lane thread, after the connector stopped. */
    protected abstract void onClose();

    /** Starts the lane thread and the connector on it; returns once the connector started. */
    public void start() throws Exception
    {
        requireNotStarted("start");
        startCalled = true;
        final CountDownLatch started = new CountDownLatch(1);
        final Exception[] failure = new Exception[1];
        running = true;
        thread = new Thread(() -> run(started, failure), "lane-" + name);
        thread.start();
        started.await();
        if (failure[0] != null)
        {
            throw failure[0];
        }
    }

    /** Tests: starts the connector on the calling thread, which then drives {@link #doWork()} itself. */
    public void startOnCallerThread() throws Exception
    {
        requireNotStarted("start");
        startCalled = true;
        onStart();
        startedInline = true;
        connector.start(this);
        onConnectorStarted();
    }

    private void run(final CountDownLatch started, final Exception[] failure)
    {
        try
        {
            onStart();
            connector.start(this);
            LOG.info("event=lane_started lane={} connector_version={}", name, connector.version());
            onConnectorStarted();
        }
        catch (final Exception ex)
        {
            failure[0] = ex;
            running = false;
            onClose();
            started.countDown();
            return;
        }
        started.countDown();
        try
        {
            while (running)
            {
                idle.idle(doWork());
            }
        }
        catch (final Throwable t)
        {
            LOG.error("event=lane_crashed lane={}", name, t);
        }
        finally
        {
            try
            {
                connector.stop();
            }
            finally
            {
                onClose();
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        wake();
        if (startedInline)
        {
            startedInline = false;
            try
            {
                connector.stop();
            }
            finally
            {
                onClose();
            }
        }
        if (thread != null)
        {
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Any thread, after giving the lane work: ends a dormant lane's park (see {@link DormantIdle}). */
    protected final void wake()
    {
        idle.wake();
    }

    /** Lane thread: hands queued outcomes, receipts and hand-offs to {@code handler}. @return how many. */
    protected final int drainOutcomes(final MessageHandler handler)
    {
        return outcomes.drain(handler, 4096);
    }

    /** Any thread: a message fallen back from another lane, for the priority or bulk redo queue. */
    protected final void handOff(final long messageId, final boolean isPriority)
    {
        outcomes.outcome(OutcomeQueue.HANDOFF, -1, messageId, Reason.NONE, isPriority ? 1 : 0);
        wake();
    }

    // ---- DeliveryCallback and ReceiptSink: any thread; queued for the lane thread ----

    @Override
    public final void onAccepted(final DeliveryRequest request)
    {
        outcomes.outcome(OutcomeQueue.ACCEPTED, request.slot(), request.messageId(), Reason.NONE, 0);
        wake();
    }

    @Override
    public final void onRejected(final DeliveryRequest request, final Reason reason)
    {
        outcomes.outcome(OutcomeQueue.REJECTED, request.slot(), request.messageId(), reason, 0);
        wake();
    }

    @Override
    public final void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        outcomes.outcome(OutcomeQueue.FAILED, request.slot(), request.messageId(), reason, Math.max(0, retryAfterMs));
        wake();
    }

    @Override
    public final void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        outcomes.receipt(messageId, state, reason);
        wake();
    }

    /** The lane's connector, also for tests and diagnostics (e.g. the port a connector bound for provider callbacks). */
    public final Connector connector()
    {
        return connector;
    }

    public final String name()
    {
        return name;
    }

    // ---- ConnectorContext ----

    @Override
    public final String laneName()
    {
        return name;
    }

    @Override
    public final ChannelType channel()
    {
        return channelType;
    }

    @Override
    public final EpochClock clock()
    {
        return clock;
    }

    @Override
    public final ReceiptSink receipts()
    {
        return confirmedDeliveriesOnly ? providerReceipts : this;
    }

    /**
     * Before start: the connector's DELIVERED receipts say only that the provider took the message (APNs and FCM
     * have no delivery receipts), so they are not passed on; DELIVERED comes from {@link #onReceipt} called for a
     * confirmation from the recipient's app instead.
     */
    protected final void confirmedDeliveriesOnly()
    {
        confirmedDeliveriesOnly = true;
    }

    @Override
    public final Path dataDir()
    {
        return dataDir;
    }

    @Override
    public final RecordLog.Opener recordLogs()
    {
        return JournalRecordLog::open;
    }

    @Override
    public final InboundSink inbound()
    {
        return inbound;
    }

    /** The engine's inbound path; set before {@link #start}, so the connector finds it in its context. */
    public final void inboundSink(final InboundSink sink)
    {
        requireNotStarted("the inbound sink");
        this.inbound = sink;
    }
}
