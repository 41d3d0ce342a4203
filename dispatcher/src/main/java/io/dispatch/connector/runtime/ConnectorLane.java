package io.dispatch.connector.runtime;

import io.dispatch.config.IdleStrategies;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.ingest.LaneAdmission;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.util.DeadlineFifo;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayQueue;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.DeadlineTimerWheel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The runtime around one connector: a thread that owns the lane's queues, in-flight window, retry and
 * receipt timers, and turns connector outcomes into journaled state changes.
 * <pre>
 *  hand-off ──▶ priority queue (informational, auth) ─┐
 *           └─▶ bulk queue (marketing) ───────────────┼─▶ window (N slots) ──▶ connector.send
 *  retry timers ─▶ retry-ready queue ─────────────────┘        ▲ outcomes / receipts (any thread)
 * </pre>
 * Priority messages always go first, so a marketing backlog of any size never delays them beyond one
 * in-flight window. Retries use exponential backoff with jitter within the message's TTL and the lane's
 * attempt budget; what exhausts the budget ends FAILED(RETRIES_EXHAUSTED), the dead letter, in the journal.
 * <p>
 * Threading: {@link #enqueue} is called by the hand-off stage only (single producer per queue);
 * callbacks and receipts from any thread; everything else on the lane thread.
 */
public final class ConnectorLane implements ConnectorContext, ReceiptSink, DeliveryCallback, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorLane.class);
    private static final long NONE = -1;
    private static final long TICK_MS = 4;

    private final LaneConfig config;
    private final String name;
    private final byte channel;
    private final Connector connector;
    private final LaneAdmission admission;
    private final Journal journal;
    private final TemplateRegistry templates;
    private final StatePublisher states;
    private final EpochClock clock;
    private final DistinctErrorLog errors;
    private final Counters counters;
    private final IdleStrategy idle;

    private final LongSpscQueue priority;
    private final LongSpscQueue bulk;
    private final OutcomeQueue outcomes;

    // lane thread state
    private final LongArrayQueue retryReady = new LongArrayQueue(1024, NONE);
    private final Long2LongHashMap attemptsById = new Long2LongHashMap(NONE);
    private final Long2LongHashMap retryTimerToId = new Long2LongHashMap(NONE);
    // every receipt timeout is "accepted + receiptTimeoutMs": added in deadline order, so a FIFO suffices
    private final LongHashSet awaitingReceipt = new LongHashSet();
    private final DeadlineFifo receiptDeadlines = new DeadlineFifo(4096);
    private final DeadlineTimerWheel wheel;
    private final DeliveryRequest[] slots;
    private final int[] freeSlots;
    private int freeCount;
    private final AcceptedRecord record = new AcceptedRecord();
    private final SplittableRandom random = new SplittableRandom();
    private final MessageHandler outcomeHandler = this::onOutcome;
    private final DeadlineTimerWheel.TimerHandler timerHandler = this::onTimer;
    private JournalReader reader;
    private byte[] lastTenantBytes = new byte[0];
    private String lastTenant = "";
    private long now;

    private volatile boolean running;
    private volatile int inFlight;
    private Thread thread;

    public ConnectorLane(
        final LaneConfig config,
        final Connector connector,
        final LaneAdmission admission,
        final Journal journal,
        final TemplateRegistry templates,
        final StatePublisher states,
        final EpochClock clock,
        final DistinctErrorLog errors,
        final Counters counters)
    {
        this.config = config;
        this.name = config.channel().name().toLowerCase(java.util.Locale.ROOT) + "-" + config.connectorType();
        this.channel = config.channel().code();
        this.connector = connector;
        this.admission = admission;
        this.journal = journal;
        this.templates = templates;
        this.states = states;
        this.clock = clock;
        this.errors = errors;
        this.counters = counters;
        this.idle = IdleStrategies.create(config.idleStrategy());
        // admission can overshoot capacity by the number of ingest threads racing; keep slack
        this.priority = new LongSpscQueue(config.capacity() + 1024);
        this.bulk = new LongSpscQueue(config.capacity() + 1024);
        this.outcomes = new OutcomeQueue(Math.max(config.window() * 4, 65536));
        this.wheel = new DeadlineTimerWheel(TimeUnit.MILLISECONDS, clock.time(), TICK_MS, 1024);
        this.slots = new DeliveryRequest[config.window()];
        this.freeSlots = new int[config.window()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new DeliveryRequest(i);
            freeSlots[i] = slots.length - 1 - i;
        }
        this.freeCount = slots.length;
    }

    // ---- hand-off stage ----

    public void enqueue(final long messageId, final boolean isPriority)
    {
        final boolean added = isPriority ? priority.offer(messageId) : bulk.offer(messageId);
        if (!added)
        {
            // admission bounds the queues; reaching this is a bug, and the message stays pending in the journal
            errors.record("lane_queue_full", "lane " + name + " queue full; message " + messageId + " waits for restart");
        }
    }

    public LaneAdmission admission()
    {
        return admission;
    }

    // ---- recovery, before start ----

    public void recoverPending(final long messageId, final int attempts, final byte kind)
    {
        admission.forceAcquire();
        if (attempts > 0)
        {
            attemptsById.put(messageId, attempts);
        }
        enqueue(messageId, kind != MessageKind.MARKETING.code());
    }

    public void recoverAwaitingReceipt(final long messageId)
    {
        scheduleReceiptTimeout(messageId, clock.time());
    }

    // ---- life cycle ----

    /** Starts the lane thread and the connector on it; returns once the connector started. */
    public void start() throws Exception
    {
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

    private void run(final CountDownLatch started, final Exception[] failure)
    {
        try
        {
            reader = journal.newReader();
            connector.start(this);
            LOG.info("event=lane_started lane={} connector_version={} window={}", name, connector.version(), slots.length);
        }
        catch (final Exception ex)
        {
            failure[0] = ex;
            running = false;
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
                reader.close();
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
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

    /** One duty cycle; public so tests can drive the lane without its thread. @return work done. */
    public int doWork()
    {
        now = clock.time();
        int work = outcomes.drain(outcomeHandler, 4096);
        int guard = 0;
        while (wheel.timerCount() > 0 && wheel.currentTickTime() <= now && guard++ < 1024)
        {
            work += wheel.poll(now, timerHandler, 4096);
        }
        if (wheel.timerCount() == 0)
        {
            wheel.currentTickTime(now);
        }
        while (receiptDeadlines.headExpired(now))
        {
            final long id = receiptDeadlines.headValue();
            receiptDeadlines.removeHead();
            if (awaitingReceipt.remove(id))
            {
                states.publish(id, DeliveryState.EXPIRED, 0, channel, Reason.RECEIPT_TIMEOUT, now);
            }
            work++;
        }
        work += dispatch();
        states.flush();
        inFlight = slots.length - freeCount;
        return work;
    }

    private int dispatch()
    {
        int sent = 0;
        while (freeCount > 0)
        {
            long id = priority.poll(NONE);
            if (id == NONE)
            {
                id = retryReady.pollLong();
            }
            if (id == NONE)
            {
                id = bulk.poll(NONE);
            }
            if (id == NONE)
            {
                break;
            }
            final long previous = attemptsById.remove(id);
            final int attempt = previous == NONE ? 1 : (int)previous + 1;
            if (!reader.readAccepted(id, record))
            {
                errors.record("journal_record_missing", "no ACCEPTED record for message " + id);
                finish(id, DeliveryState.FAILED, attempt - 1, Reason.PROVIDER_ERROR);
                continue;
            }
            final long deadline = record.acceptedAtMs + record.ttlSeconds * 1000L;
            if (now >= deadline)
            {
                finish(id, DeliveryState.EXPIRED, attempt - 1, Reason.TTL_EXPIRED);
                continue;
            }
            final int slot = freeSlots[--freeCount];
            final DeliveryRequest request = slots[slot];
            request.fill(id, attempt, tenantName(), MessageKind.of(record.kind), ChannelType.of(record.channel),
                record.acceptedAtMs, deadline, record.body, record.bodyLength);
            final int template = request.submit().templateLength() == 0 ? -1 :
                templates.find(request.submit().buffer(), request.submit().templateOffset(), request.submit().templateLength());
            if (template >= 0)
            {
                request.templateText(templates.text(template));
            }
            states.publish(id, DeliveryState.DISPATCHED, attempt, channel, Reason.NONE, now);
            sent++;
            try
            {
                connector.send(request, this);
            }
            catch (final RuntimeException ex)
            {
                errors.record("connector_send_threw", ex);
                onFailed(request, Reason.PROVIDER_ERROR, 0);
            }
        }
        return sent;
    }

    private String tenantName()
    {
        final int n = record.tenantNameLength;
        if (n != lastTenantBytes.length || !Arrays.equals(record.tenantName, 0, n, lastTenantBytes, 0, n))
        {
            lastTenantBytes = Arrays.copyOf(record.tenantName, n);
            lastTenant = new String(lastTenantBytes, StandardCharsets.UTF_8);
        }
        return lastTenant;
    }

    private void onOutcome(final int type, final MutableDirectBuffer b, final int index, final int length)
    {
        final long id = b.getLong(index);
        final long extra = b.getLong(index + 8);
        final int slot = b.getInt(index + 16);
        final Reason reason = Reason.of(b.getInt(index + 20));
        if (type == OutcomeQueue.RECEIPT)
        {
            onReceiptOutcome(id, DeliveryState.of((int)extra), reason);
            return;
        }
        final DeliveryRequest request = slots[slot];
        final int attempt = request.attempt();
        final long deadline = request.deadlineMs();
        freeSlots[freeCount++] = slot;
        switch (type)
        {
            case OutcomeQueue.ACCEPTED:
                states.publish(id, DeliveryState.PROVIDER_ACCEPTED, attempt, channel, Reason.NONE, now);
                admission.release();
                scheduleReceiptTimeout(id, now);
                break;
            case OutcomeQueue.REJECTED:
                finish(id, DeliveryState.REJECTED, attempt, reason);
                break;
            default:
                onTransientFailure(id, attempt, reason, extra, deadline);
        }
    }

    private void onTransientFailure(
        final long id, final int attempt, final Reason reason, final long retryAfterMs, final long deadline)
    {
        if (attempt >= config.maxAttempts())
        {
            LOG.debug("event=dead_letter lane={} message={} reason={}", name, id, reason);
            finish(id, DeliveryState.FAILED, attempt, Reason.RETRIES_EXHAUSTED);
            return;
        }
        final long backoff = Math.min(config.retryMaxMs(), config.retryBaseMs() << Math.min(attempt - 1, 20));
        final long jittered = backoff / 2 + random.nextLong(backoff / 2 + 1);
        final long delay = Math.max(jittered, retryAfterMs);
        if (now + delay >= deadline)
        {
            finish(id, DeliveryState.EXPIRED, attempt, Reason.TTL_EXPIRED);
            return;
        }
        states.publish(id, DeliveryState.RETRYING, attempt, channel, reason, now);
        attemptsById.put(id, attempt);
        retryTimerToId.put(wheel.scheduleTimer(now + delay), id);
    }

    private void scheduleReceiptTimeout(final long id, final long from)
    {
        awaitingReceipt.add(id);
        receiptDeadlines.add(id, null, from + config.receiptTimeoutMs());
    }

    private void onReceiptOutcome(final long id, final DeliveryState state, final Reason reason)
    {
        if (state == null || !state.isTerminal())
        {
            errors.record("bad_receipt_state", "connector reported receipt state " + state + " for message " + id);
            return;
        }
        if (!awaitingReceipt.remove(id))
        {
            // after its receipt timeout, or a duplicate from the provider: the message already ended
            counters.increment(Counter.LATE_RECEIPTS);
            return;
        }
        states.publish(id, state, 0, channel, reason, now);
    }

    private boolean onTimer(final TimeUnit unit, final long nowMs, final long timerId)
    {
        final long retryId = retryTimerToId.remove(timerId);
        if (retryId != NONE)
        {
            retryReady.addLong(retryId);
        }
        return true;
    }

    /** A terminal state before provider acceptance: the lane's responsibility ends. */
    private void finish(final long id, final DeliveryState state, final int attempts, final Reason reason)
    {
        states.publish(id, state, attempts, channel, reason, now);
        admission.release();
    }

    // ---- DeliveryCallback and ReceiptSink: any thread ----

    @Override
    public void onAccepted(final DeliveryRequest request)
    {
        outcomes.outcome(OutcomeQueue.ACCEPTED, request.slot(), request.messageId(), Reason.NONE, 0);
    }

    @Override
    public void onRejected(final DeliveryRequest request, final Reason reason)
    {
        outcomes.outcome(OutcomeQueue.REJECTED, request.slot(), request.messageId(), reason, 0);
    }

    @Override
    public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
    {
        outcomes.outcome(OutcomeQueue.FAILED, request.slot(), request.messageId(), reason, retryAfterMs);
    }

    @Override
    public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        outcomes.receipt(messageId, state, reason);
    }

    // ---- ConnectorContext ----

    @Override
    public String laneName()
    {
        return name;
    }

    @Override
    public ChannelType channel()
    {
        return config.channel();
    }

    @Override
    public EpochClock clock()
    {
        return clock;
    }

    @Override
    public ReceiptSink receipts()
    {
        return this;
    }

    // ---- gauges, any thread ----

    public int priorityDepth()
    {
        return priority.size();
    }

    public int bulkDepth()
    {
        return bulk.size();
    }

    public int inFlight()
    {
        return inFlight;
    }

    public String name()
    {
        return name;
    }
}
