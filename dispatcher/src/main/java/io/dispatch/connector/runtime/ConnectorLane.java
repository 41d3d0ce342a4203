package io.dispatch.connector.runtime;

import io.dispatch.config.FallbackSettings;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.RateSettings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.Connector;
import io.dispatch.connector.DeliveryRequest;
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
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The runtime around one connector: one thread owns the lane's queues, in-flight window, rate gate,
 * circuit breaker, retry and receipt timers, and turns connector outcomes into journaled state changes.
 * <pre>
 *  hand-off ──▶ priority queue (informational, auth) ─┐  retries, throttled and fallen-back
 *           └─▶ bulk queue (marketing) ───────────────┤  messages: priority/bulk redo queues
 *                                                     ▼
 *        breaker closed? ─▶ rate gate (reserved + shared buckets, window share, AIMD) ─▶ connector.send
 *                                                     ▲ outcomes / receipts / hand-offs (any thread)
 * </pre>
 * Priority messages always go first and have a share of the rate and window that marketing can never
 * use, so a marketing backlog of any size delays them by at most one provider round trip. Throttling
 * (PROVIDER_THROTTLED) pauses and slows the lane without spending the message's attempts. Transient
 * failures are retried with backoff and jitter within the TTL and attempt budget; definite failures
 * listed in the lane's fallback settings move the message to another channel's lane exactly once.
 * <p>
 * Threading: {@link #enqueue} from the hand-off stage only (single producer per queue); callbacks,
 * receipts and {@link #acceptFallback} from any thread; {@link #requestRate} from the admin thread;
 * everything else on the lane thread. See docs/connectors.md "Runtime".
 */
public final class ConnectorLane extends LaneThread
{
    private static final long NONE = -1;
    /** How often queue heads are checked for TTL and fallback deadlines while the breaker holds sends. */
    private static final long HELD_CHECK_INTERVAL_MS = 100;

    private final LaneConfig config;
    private final byte channel;
    private final LaneAdmission admission;
    private final Journal journal;
    private final TemplateRegistry templates;
    private final StateSink states;
    private final EpochClock clock;
    private final NanoClock nanoClock;
    private final DistinctErrorLog errors;
    private final Counters counters;
    private final LaneMetrics metrics;
    private final DeadLetters deadLetters;

    private final LongSpscQueue priority;
    private final LongSpscQueue bulk;
    private final OutcomeQueue outcomes;

    // lane thread state
    private final LongArrayQueue priorityRedo = new LongArrayQueue(1024, NONE);
    private final LongArrayQueue bulkRedo = new LongArrayQueue(1024, NONE);
    private final Long2LongHashMap attemptsById = new Long2LongHashMap(NONE);
    private final RetryTimers retries;
    private final ReceiptTimeouts receipts;
    private final FallbackHandoff handoff;
    private final LaneGate gate;
    private final CircuitBreaker breaker;
    private final DeliveryRequest[] slots;
    private final long[] sentAtMs;
    private final long[] sentAtNs;
    private final int[] freeSlots;
    private int freeCount;
    private int bulkInFlight;
    private final AcceptedRecord record = new AcceptedRecord();
    private final MessageHandler outcomeHandler = this::onOutcome;
    private JournalReader reader;
    private byte[] lastTenantBytes = new byte[0];
    private String lastTenant = "";
    private ConnectorLane fallbackLane;
    private long nextHeldCheckMs;
    private long now;

    private volatile RateSettings requestedRate;
    private volatile RateSettings appliedRate;
    private volatile int inFlight;

    public ConnectorLane(
        final LaneConfig config,
        final Connector connector,
        final LaneAdmission admission,
        final Journal journal,
        final TemplateRegistry templates,
        final StateSink states,
        final EpochClock clock,
        final NanoClock nanoClock,
        final LongSupplier journaledPosition,
        final DistinctErrorLog errors,
        final Counters counters)
    {
        super(config.channel().name().toLowerCase(java.util.Locale.ROOT) + "-" + config.connectorType(), connector,
            clock, config.channel(), config.idleStrategy());
        this.config = config;
        this.channel = config.channel().code();
        this.admission = admission;
        this.journal = journal;
        this.templates = templates;
        this.states = states;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.errors = errors;
        this.counters = counters;
        this.metrics = new LaneMetrics(name());
        this.deadLetters = new DeadLetters(name(), config.deadLetterBuffer());
        // admission can overshoot capacity by the number of ingest threads racing; keep slack
        this.priority = new LongSpscQueue(config.capacity() + 1024);
        this.bulk = new LongSpscQueue(config.capacity() + 1024);
        this.outcomes = new OutcomeQueue(Math.max(config.window() * 4, 65536));
        final long start = clock.time();
        this.retries = new RetryTimers(start);
        this.receipts = new ReceiptTimeouts(config.receiptTimeoutMs());
        this.handoff = new FallbackHandoff(journaledPosition);
        this.gate = new LaneGate(config.window(), config.rate(), config.throttle(), start);
        this.breaker = new CircuitBreaker(config.breaker(), start);
        this.requestedRate = config.rate();
        this.appliedRate = config.rate();
        this.slots = new DeliveryRequest[config.window()];
        this.sentAtMs = new long[config.window()];
        this.sentAtNs = new long[config.window()];
        this.freeSlots = new int[config.window()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new DeliveryRequest(i);
            freeSlots[i] = slots.length - 1 - i;
        }
        this.freeCount = slots.length;
        publishGauges();
    }

    /** Wires the lane that takes this lane's fallbacks (config {@code lane.<ch>.fallback}); before start. */
    public void fallbackTo(final ConnectorLane target)
    {
        this.fallbackLane = target;
    }

    // ---- hand-off stage ----

    public void enqueue(final long messageId, final boolean isPriority)
    {
        final boolean added = isPriority ? priority.offer(messageId) : bulk.offer(messageId);
        if (!added)
        {
            // admission bounds the queues; reaching this is a bug, and the message stays pending in the journal
            errors.record("lane_queue_full", "lane " + name() + " queue full; message " + messageId + " waits for restart");
        }
    }

    public LaneAdmission admission()
    {
        return admission;
    }

    /** Another lane fell a message back to this one, after journaling it; any thread. */
    void acceptFallback(final long messageId, final boolean isPriority)
    {
        admission.forceAcquire();
        outcomes.outcome(OutcomeQueue.HANDOFF, -1, messageId, Reason.NONE, isPriority ? 1 : 0);
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
        receipts.await(messageId, clock.time());
    }

    // ---- admin thread ----

    /** Asks the lane thread to take new rate settings at its next duty cycle. */
    public void requestRate(final RateSettings settings)
    {
        requestedRate = settings;
    }

    /** @return the settings in force (after the lane applied the last request). */
    public RateSettings rateSettings()
    {
        return appliedRate;
    }

    // ---- lane thread ----

    @Override
    protected void onStart()
    {
        reader = journal.newReader();
    }

    @Override
    protected void onClose()
    {
        if (reader != null)
        {
            reader.close();
        }
    }

    /** One duty cycle; public so tests can drive the lane without its thread. @return work done. */
    @Override
    public int doWork()
    {
        now = clock.time();
        final RateSettings wanted = requestedRate;
        if (wanted != gate.settings())
        {
            gate.apply(wanted, now);
            appliedRate = wanted;
        }
        gate.tick(now);
        int work = outcomes.drain(outcomeHandler, 4096);
        work += retries.poll(now, priorityRedo, bulkRedo);
        for (long id = receipts.pollExpired(now); id != NONE; id = receipts.pollExpired(now))
        {
            states.publish(id, DeliveryState.EXPIRED, 0, channel, Reason.RECEIPT_TIMEOUT, now);
            deadLetter(id, DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT, 0, "", null);
            work++;
        }
        work += dispatch();
        if (breaker.state() != CircuitBreaker.CLOSED)
        {
            work += endOverdueWhileHeld();
        }
        handoff.seal(states.flush());
        if (fallbackLane != null)
        {
            work += handoff.deliver(fallbackLane);
        }
        inFlight = slots.length - freeCount;
        publishGauges();
        return work;
    }

    private int dispatch()
    {
        if (gate.isPaused(now))
        {
            return 0;
        }
        int sent = 0;
        while (freeCount > 0 && breaker.mayStart(now))
        {
            final int busy = slots.length - freeCount;
            final boolean isPriority;
            if ((!priorityRedo.isEmpty() || priority.size() > 0) && gate.tryPriority(now, busy))
            {
                isPriority = true;
            }
            else if ((!bulkRedo.isEmpty() || bulk.size() > 0) && gate.tryBulk(now, busy, bulkInFlight))
            {
                isPriority = false;
            }
            else
            {
                break;
            }
            final long id = isPriority
                ? (priorityRedo.isEmpty() ? priority.poll(NONE) : priorityRedo.pollLong())
                : (bulkRedo.isEmpty() ? bulk.poll(NONE) : bulkRedo.pollLong());
            if (send(id, isPriority))
            {
                sent++;
            }
            else
            {
                gate.refund(isPriority);
            }
        }
        return sent;
    }

    /**
     * While the breaker holds sends, messages still end at their TTL and move at the fallback deadline
     * instead of waiting for the provider to come back. Checked at the head of each queue (FIFO by
     * acceptance), a few times a second: one journal read per queue when nothing is due.
     */
    private int endOverdueWhileHeld()
    {
        if (now < nextHeldCheckMs)
        {
            return 0;
        }
        nextHeldCheckMs = now + HELD_CHECK_INTERVAL_MS;
        return endOverdueInRedo(priorityRedo, true) + endOverdueInRedo(bulkRedo, false)
            + endOverdueAtHead(priority, true) + endOverdueAtHead(bulk, false);
    }

    /** Fresh queues are in acceptance order: stop at the first message that is not due. */
    private int endOverdueAtHead(final LongSpscQueue queue, final boolean isPriority)
    {
        int ended = 0;
        for (long id = queue.peek(NONE); id != NONE && ended < 4096; id = queue.peek(NONE))
        {
            if (!endIfOverdue(id, isPriority))
            {
                break;
            }
            queue.poll(NONE);
            ended++;
        }
        return ended;
    }

    /** Redo queues (retries, throttled, fallen back) are not in acceptance order: rotate through them once. */
    private int endOverdueInRedo(final LongArrayQueue queue, final boolean isPriority)
    {
        int ended = 0;
        for (int n = Math.min(queue.size(), 1024); n > 0; n--)
        {
            final long id = queue.pollLong();
            if (endIfOverdue(id, isPriority))
            {
                ended++;
            }
            else
            {
                queue.addLong(id);
            }
        }
        return ended;
    }

    /** @return true when the message ended at its TTL or moved at the fallback deadline. */
    private boolean endIfOverdue(final long id, final boolean isPriority)
    {
        if (!reader.readAccepted(id, record))
        {
            return false; // send() reports it when the breaker lets it through
        }
        if (now >= record.acceptedAtMs + record.ttlSeconds * 1000L)
        {
            final long previous = attemptsById.remove(id);
            finish(id, DeliveryState.EXPIRED, previous == NONE ? 0 : (int)previous, Reason.TTL_EXPIRED, tenantName(),
                MessageKind.of(record.kind));
            return true;
        }
        if (fallbackDue(record.acceptedAtMs, now))
        {
            fallBack(id, isPriority, Reason.FALLBACK_DEADLINE);
            return true;
        }
        return false;
    }

    /** @return false when the message ended or moved without a send. */
    private boolean send(final long id, final boolean isPriority)
    {
        final long previous = attemptsById.remove(id);
        final int attempt = previous == NONE ? 1 : (int)previous + 1;
        if (!reader.readAccepted(id, record))
        {
            errors.record("journal_record_missing", "no ACCEPTED record for message " + id);
            finish(id, DeliveryState.FAILED, attempt - 1, Reason.PROVIDER_ERROR, "", null);
            return false;
        }
        final MessageKind kind = MessageKind.of(record.kind);
        final long deadline = record.acceptedAtMs + record.ttlSeconds * 1000L;
        if (now >= deadline)
        {
            finish(id, DeliveryState.EXPIRED, attempt - 1, Reason.TTL_EXPIRED, tenantName(), kind);
            return false;
        }
        if (fallbackDue(record.acceptedAtMs, now))
        {
            fallBack(id, isPriority, Reason.FALLBACK_DEADLINE);
            return false;
        }
        final int slot = freeSlots[--freeCount];
        final DeliveryRequest request = slots[slot];
        request.fill(id, attempt, tenantName(), kind, config.channel(), record.acceptedAtMs, deadline, record.body,
            record.bodyLength);
        final int template = request.submit().templateLength() == 0 ? -1 :
            templates.find(request.submit().buffer(), request.submit().templateOffset(), request.submit().templateLength());
        if (template >= 0)
        {
            request.templateText(templates.text(template));
        }
        states.publish(id, DeliveryState.DISPATCHED, attempt, channel, Reason.NONE, now);
        sentAtMs[slot] = now;
        sentAtNs[slot] = nanoClock.nanoTime();
        if (!isPriority)
        {
            bulkInFlight++;
        }
        breaker.started();
        metrics.increment(LaneMetrics.SENT);
        try
        {
            connector().send(request, this);
        }
        catch (final RuntimeException ex)
        {
            errors.record("connector_send_threw", ex);
            onFailed(request, Reason.PROVIDER_ERROR, 0);
        }
        return true;
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
        if (type == OutcomeQueue.HANDOFF)
        {
            metrics.increment(LaneMetrics.FALLBACKS_IN);
            (extra == 1 ? priorityRedo : bulkRedo).addLong(id);
            return;
        }
        final DeliveryRequest request = slots[slot];
        final boolean isPriority = request.kind() != MessageKind.MARKETING;
        freeSlots[freeCount++] = slot;
        if (!isPriority)
        {
            bulkInFlight--;
        }
        switch (type)
        {
            case OutcomeQueue.ACCEPTED:
                metrics.increment(LaneMetrics.ACCEPTED);
                metrics.recordAcceptLatencyMicros((nanoClock.nanoTime() - sentAtNs[slot]) / 1000);
                gate.onSuccess();
                breaker.onSuccess(now);
                states.publish(id, DeliveryState.PROVIDER_ACCEPTED, request.attempt(), channel, Reason.NONE, now);
                admission.release();
                receipts.await(id, now);
                break;
            case OutcomeQueue.REJECTED:
                metrics.countRejected(reason);
                gate.onSuccess();
                if (reason == Reason.PROVIDER_AUTH_FAILED)
                {
                    breaker.onFailure(now);
                }
                else
                {
                    breaker.onSuccess(now);
                }
                if (fallbackApplies(reason, request.kind()))
                {
                    fallBack(id, isPriority, reason);
                }
                else
                {
                    finish(id, DeliveryState.REJECTED, request.attempt(), reason, request.tenant(), request.kind());
                }
                break;
            default:
                if (reason == Reason.PROVIDER_THROTTLED)
                {
                    onThrottled(request, slot, isPriority, extra);
                }
                else
                {
                    metrics.countFailure(reason);
                    breaker.onFailure(now);
                    onTransientFailure(request, isPriority, reason, extra);
                }
        }
    }

    /** Throttling is the provider asking us to slow down: the message keeps its attempt budget. */
    private void onThrottled(final DeliveryRequest request, final int slot, final boolean isPriority, final long retryAfterMs)
    {
        final long id = request.messageId();
        metrics.increment(LaneMetrics.THROTTLED);
        if (gate.onThrottle(now, sentAtMs[slot], retryAfterMs))
        {
            metrics.increment(LaneMetrics.THROTTLE_EPISODES);
        }
        breaker.onNeutral();
        if (gate.pausedUntilMs() >= request.deadlineMs())
        {
            finish(id, DeliveryState.EXPIRED, request.attempt() - 1, Reason.TTL_EXPIRED, request.tenant(), request.kind());
            return;
        }
        final int spent = request.attempt() - 1;
        if (spent > 0)
        {
            attemptsById.put(id, spent);
        }
        states.publish(id, DeliveryState.RETRYING, spent, channel, Reason.PROVIDER_THROTTLED, now);
        (isPriority ? priorityRedo : bulkRedo).addLong(id);
    }

    private void onTransientFailure(
        final DeliveryRequest request, final boolean isPriority, final Reason reason, final long retryAfterMs)
    {
        final long id = request.messageId();
        final int attempt = request.attempt();
        if (attempt >= config.maxAttempts())
        {
            if (fallbackApplies(Reason.RETRIES_EXHAUSTED, request.kind()))
            {
                fallBack(id, isPriority, Reason.RETRIES_EXHAUSTED);
            }
            else
            {
                finish(id, DeliveryState.FAILED, attempt, Reason.RETRIES_EXHAUSTED, request.tenant(), request.kind());
            }
            return;
        }
        final long delay = retries.backoff(attempt, config.retryBaseMs(), config.retryMaxMs(), retryAfterMs);
        if (fallbackDue(request.acceptedAtMs(), now + delay))
        {
            fallBack(id, isPriority, reason);
            return;
        }
        if (now + delay >= request.deadlineMs())
        {
            finish(id, DeliveryState.EXPIRED, attempt, Reason.TTL_EXPIRED, request.tenant(), request.kind());
            return;
        }
        states.publish(id, DeliveryState.RETRYING, attempt, channel, reason, now);
        attemptsById.put(id, attempt);
        retries.schedule(id, isPriority, now + delay);
    }

    private boolean fallbackApplies(final Reason reason, final MessageKind kind)
    {
        final FallbackSettings f = config.fallback();
        // a recipient who blocked the sender's marketing on one channel has opted out, not moved
        return fallbackLane != null && f.reasons().contains(reason)
            && !(reason == Reason.RECIPIENT_BLOCKED && kind == MessageKind.MARKETING);
    }

    private boolean fallbackDue(final long acceptedAtMs, final long atMs)
    {
        final long after = config.fallback().afterMs();
        return fallbackLane != null && after > 0 && atMs >= acceptedAtMs + after;
    }

    /**
     * Journals the move (RETRYING on the new channel, with the reason) and hands the message to the
     * fallback lane once that record is journaled ({@link FallbackHandoff}).
     */
    private void fallBack(final long id, final boolean isPriority, final Reason reason)
    {
        states.publish(id, DeliveryState.RETRYING, 0, fallbackLane.channel, reason, now);
        metrics.increment(LaneMetrics.FALLBACKS_OUT);
        attemptsById.remove(id);
        admission.release();
        handoff.add(id, isPriority);
    }

    private void onReceiptOutcome(final long id, final DeliveryState state, final Reason reason)
    {
        if (state == null || !state.isTerminal())
        {
            errors.record("bad_receipt_state", "connector reported receipt state " + state + " for message " + id);
            return;
        }
        if (!receipts.receipt(id))
        {
            // after its receipt timeout, or a duplicate from the provider: the message already ended
            counters.increment(Counter.LATE_RECEIPTS);
            return;
        }
        states.publish(id, state, 0, channel, reason, now);
        if (state != DeliveryState.DELIVERED)
        {
            deadLetter(id, state, reason, 0, "", null);
        }
    }

    /** A terminal state before provider acceptance: the lane's responsibility ends, without success. */
    private void finish(
        final long id, final DeliveryState state, final int attempts, final Reason reason, final String tenant,
        final MessageKind kind)
    {
        states.publish(id, state, attempts, channel, reason, now);
        admission.release();
        deadLetter(id, state, reason, attempts, tenant, kind);
    }

    private void deadLetter(
        final long id, final DeliveryState state, final Reason reason, final int attempts, final String tenant,
        final MessageKind kind)
    {
        metrics.countDeadLetter(reason);
        deadLetters.add(id, now, tenant, state, reason, attempts, kind);
    }

    private void publishGauges()
    {
        metrics.set(LaneMetrics.BREAKER_STATE, breaker.state());
        metrics.set(LaneMetrics.BREAKER_OPENED, breaker.openedCount());
        metrics.set(LaneMetrics.RATE_MILLI_PER_SECOND, (long)(gate.effectiveRatePerSecond() * 1000));
        metrics.set(LaneMetrics.FACTOR_PERMILLE, Math.round(gate.factor() * 1000));
        metrics.set(LaneMetrics.WINDOW_LIMIT, gate.windowLimit());
        metrics.set(LaneMetrics.PAUSED_UNTIL_MS, gate.pausedUntilMs());
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
        outcomes.outcome(OutcomeQueue.FAILED, request.slot(), request.messageId(), reason, Math.max(0, retryAfterMs));
    }

    @Override
    public void onReceipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        outcomes.receipt(messageId, state, reason);
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

    public LaneMetrics metrics()
    {
        return metrics;
    }

    public DeadLetters deadLetters()
    {
        return deadLetters;
    }

    public ChannelType channelType()
    {
        return config.channel();
    }

    /** @return CLOSED, OPEN or HALF_OPEN, as last published by the lane thread. */
    public String breakerState()
    {
        return CircuitBreaker.name((int)metrics.get(LaneMetrics.BREAKER_STATE));
    }
}
