package io.dispatch.connector.runtime;

import io.dispatch.config.FallbackSettings;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.RateSettings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.Connector;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.Variables;
import io.dispatch.journal.Journal;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
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
 * Priority messages always go first and have a share of the admission, rate and window that marketing can
 * never use, so a marketing backlog of any size delays them by at most one provider round trip. One message per
 * recipient (tenant, address, class group) is in the lane's hands at a time; later ones park in id order until
 * it is accepted, ends or moves ({@link RecipientOrder}, docs/design/per-recipient-order.md). Throttling
 * (PROVIDER_THROTTLED) pauses and slows the lane without spending the message's attempts. Transient
 * failures are retried with backoff and jitter within the TTL and attempt budget; definite failures
 * listed in the lane's fallback settings move the message to another channel's lane exactly once.
 * A message whose campaign was cancelled is never sent: it ends CANCELLED at its send, and the lane ends
 * all such messages it holds once per cancellation ({@link CancelledCampaigns}).
 * <p>
 * Threading: {@link #enqueue} from the hand-off stage only (single producer per queue); callbacks,
 * receipts and {@link #acceptFallback} from any thread; {@link #requestRate} from the admin thread;
 * everything else on the lane thread. See docs/connectors.md "Runtime".
 */
public final class ConnectorLane extends LaneThread
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorLane.class);
    private static final long NONE = -1;
    /** Admin thread (or recovery before start) writes; read by the admin thread. */
    private volatile long rateChangedAtMs;
    /** How often queue heads are checked for TTL and fallback deadlines while the breaker holds sends. */
    private static final long HELD_CHECK_INTERVAL_MS = 100;
    /** Held messages looked at per duty cycle after a campaign cancellation (one journal read each, ~1 µs). */
    private static final int SWEEP_PER_CYCLE = 1024;

    private final LaneConfig config;
    private final byte channel;
    private final LaneAdmission admission;
    private final MessageLoader messages;
    private final StateSink states;
    private final EpochClock clock;
    private final NanoClock nanoClock;
    private final DistinctErrorLog errors;
    private final Counters counters;
    private final LaneMetrics metrics;
    private final DeadLetters deadLetters;

    private final LaneQueues queues;

    // lane thread state
    private final Long2LongHashMap attemptsById = new Long2LongHashMap(NONE);
    /**
     * Messages held by the lane (queued, retrying, in flight) one of whose attempts may have reached the
     * recipient: they never fall back (docs/connectors.md "Fallback"). Accepted ones carry it in {@link #receipts}.
     */
    private final LongHashSet uncertain = new LongHashSet();
    /** The receipt deadline an accepted message names, read in place ({@link #waitMs(DeliveryRequest)}). */
    private final UnsafeBuffer deadlineValue = new UnsafeBuffer(new byte[0]);
    /** How soon a priority message throttled during a marketing pause is tried again. */
    static final long PRIORITY_RETRY_IN_PAUSE_MS = 20;
    private final RetryTimers retries;
    private final ReceiptTimeouts receipts;
    /**
     * On a lane with a receipt deadline, recovered receipt waits (id, provider acceptance, what {@link ReceiptTimeouts}
     * keeps) until the lane thread can read each message's own deadline from the journal ({@link #onStart}).
     */
    private LongArrayList recoveredWaits = new LongArrayList();
    /** Recovered messages awaiting a receipt: the connector is asked about each once it started, then dropped. */
    private LongArrayList toQuery = new LongArrayList();
    private final FallbackHandoff handoff;
    private final LaneGate gate;
    private final CircuitBreaker breaker;
    private java.util.function.BiConsumer<String, String> unregistered;
    private final InFlightWindow window;
    private final RecipientOrder order;
    private final MessageHandler outcomeHandler = this::onOutcome;
    private final LaneQueues.EndCheck overdue = this::endIfOverdue;
    private final LaneQueues.EndCheck cancelledCheck = this::endIfCancelled;
    private final LongSupplier handedOff;
    private CancelledCampaigns.Watch cancelled = new CancelledCampaigns().newWatch();
    /** Cluster mode: whether this node still owns a message's partition; null on one node. */
    private java.util.function.LongPredicate mayDispatch;
    /** Cluster mode: true while the node must not send at all (its ownership is unconfirmed); null on one node. */
    private java.util.function.BooleanSupplier holdDispatch;
    private final RateControl rate;
    private long nextHeldCheckMs;
    /** One log line per lane for messages whose template is gone; dead letters count each one. */
    private boolean templateMissingLogged;
    private long now;

    private volatile int inFlight;
    private volatile int parkedPriority;
    private volatile int parkedBulk;
    /** Set by {@link #stopSending()}: the lane starts no provider call, only takes in the outcomes of those it made. */
    private volatile boolean draining;
    /** Published by the lane thread: once draining, whether every provider call it made has an outcome in hand. */
    private volatile boolean drained;
    private volatile int retriesPending;

    public ConnectorLane(
        final LaneConfig config,
        final Connector connector,
        final LaneAdmission admission,
        final Journal journal,
        final Path dataDir,
        final TemplateRegistry templates,
        final StateSink states,
        final EpochClock clock,
        final NanoClock nanoClock,
        final LongSupplier journaledPosition,
        final DistinctErrorLog errors,
        final Counters counters)
    {
        super(config.channel().name().toLowerCase(java.util.Locale.ROOT) + "-" + config.connectorType(), connector,
            clock, config.channel(), config.idleStrategy(), Math.max(config.window() * 4, 65536), dataDir);
        this.config = config;
        this.channel = config.channel().code();
        this.admission = admission;
        this.messages = new MessageLoader(journal, templates, config.channel().code());
        this.states = states;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.errors = errors;
        this.counters = counters;
        this.metrics = new LaneMetrics(name());
        this.deadLetters = new DeadLetters(name(), config.deadLetterBuffer());
        this.queues = new LaneQueues(config.capacity());
        final long start = clock.time();
        this.retries = new RetryTimers(start);
        final long undeliveredMs = config.fallback().undeliveredMs();
        // with a receipt deadline the wait is that deadline, at which the message falls back instead of expiring
        this.receipts = new ReceiptTimeouts(undeliveredMs > 0 ? undeliveredMs : config.receiptTimeoutMs(), undeliveredMs > 0);
        this.handoff = new FallbackHandoff(config.fallback());
        if (undeliveredMs > 0 && config.channel() == ChannelType.PUSH)
        {
            confirmedDeliveriesOnly();
        }
        if (undeliveredMs > 0)
        {
            metrics.receiptDeadline(config.channel().name().toLowerCase(java.util.Locale.ROOT),
                config.fallback().target().name().toLowerCase(java.util.Locale.ROOT));
        }
        this.handedOff = journaledPosition;
        this.gate = new LaneGate(config.window(), config.rate(), config.throttle(), start);
        this.breaker = new CircuitBreaker(config.breaker(), start);
        this.rate = new RateControl(config.rate());
        this.window = new InFlightWindow(config.window());
        this.order = new RecipientOrder(config.window() * 4);
        metrics.publish(gate, breaker);
    }

    /**
     * Where recipients the provider reports gone (APNs 410, FCM UNREGISTERED) are reported, so the
     * directory stops choosing them. Set once before {@link #start()}; called on the lane thread.
     */
    public void onUnregistered(final java.util.function.BiConsumer<String, String> tenantAndRecipient)
    {
        this.unregistered = tenantAndRecipient;
    }

    /**
     * Cluster mode: asked just before each provider send of a message that is not a campaign's; false ends the message
     * here CANCELLED (reason OWNERSHIP_LOST), unsent: its partition moved to another node, which sends it
     * ({@code io.dispatch.ClusterHooks#mayDispatch}); while {@code hold} is true the lane sends nothing and ends
     * nothing. Set once before {@link #start()}.
     */
    public void dispatchOnlyIf(final java.util.function.LongPredicate mayDispatch,
        final java.util.function.BooleanSupplier hold)
    {
        this.mayDispatch = mayDispatch;
        this.holdDispatch = hold;
    }

    /** Wires the lane that takes this lane's fallbacks (config {@code lane.<ch>.fallback}); before start. */
    public void fallbackTo(final ConnectorLane target)
    {
        handoff.target(target);
    }

    /**
     * The engine's cancelled campaigns: the lane sends none of their messages and ends those it holds
     * CANCELLED. Set once before {@link #start()}; without it the lane knows no cancellation.
     */
    public void watchCancellations(final CancelledCampaigns cancellations)
    {
        this.cancelled = cancellations.newWatch();
    }

    // ---- hand-off stage ----

    public void enqueue(final long messageId, final boolean isPriority)
    {
        enqueue(messageId, isPriority, 0);
    }

    /**
     * @param handedOffNs System.nanoTime() when the ring handed the message over: the lane records the wait until
     *                    its first send ({@code dispatch_lane_handoff_latency_seconds}); 0 for not measured.
     */
    public void enqueue(final long messageId, final boolean isPriority, final long handedOffNs)
    {
        if (!queues.offer(messageId, isPriority, handedOffNs))
        {
            // admission bounds the queues; reaching this is a bug, and the message stays pending in the journal
            errors.record("lane_queue_full", "lane " + name() + " queue full; message " + messageId + " waits for restart");
        }
        wake();
    }

    public LaneAdmission admission()
    {
        return admission;
    }

    /** The policy stage let another lane's fallback through to this one, after journaling the move; any thread. */
    public void acceptFallback(final long messageId, final boolean isPriority)
    {
        admission.forceAcquire(isPriority);
        handOff(messageId, isPriority);
    }

    /**
     * The recipient's app confirmed the message's delivery: its DELIVERED receipt, on a lane with a receipt deadline
     * (whose provider's own receipts do not say delivered); any thread.
     *
     * @return false when the lane has no receipt deadline.
     */
    public boolean confirmDelivered(final long messageId)
    {
        if (!handoff.onUndelivered())
        {
            return false;
        }
        onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
        return true;
    }

    // ---- recovery, before start ----

    /** @param uncertain an attempt before the restart may have reached the recipient: no fallback for it. */
    public void recoverPending(final long messageId, final int attempts, final byte kind, final boolean uncertain)
    {
        final boolean isPriority = kind != MessageKind.MARKETING.code();
        admission.forceAcquire(isPriority);
        if (attempts > 0)
        {
            attemptsById.put(messageId, attempts);
        }
        if (uncertain)
        {
            this.uncertain.add(messageId);
        }
        enqueue(messageId, isPriority);
    }

    /**
     * A message the provider accepted before the restart: its receipt deadline counts from that acceptance,
     * so one already past it expires at the first duty cycle instead of waiting a whole timeout again.
     * Recovery calls this in acceptance order; a time ahead of the clock (it stepped back) counts from now,
     * which keeps the deadlines in order.
     *
     * @param kind      the kind code, 0 when unknown (treated as marketing).
     * @param uncertain an earlier attempt may have reached the recipient: a failed receipt does not fall back.
     */
    public void recoverAwaitingReceipt(
        final long messageId, final byte kind, final long providerAcceptedAtMs, final boolean uncertain)
    {
        final long fromMs = Math.min(providerAcceptedAtMs, clock.time());
        if (config.fallback().undeliveredMs() > 0 && recoveredWaits != null)
        {
            // the message's own deadline is in its journaled body, read on the lane thread
            recoveredWaits.addLong(messageId);
            recoveredWaits.addLong(fromMs);
            recoveredWaits.addLong((kind & 0xFF) | (uncertain ? 1L << 8 : 0));
        }
        else
        {
            receipts.await(messageId, kind, 0, uncertain, fromMs);
        }
        if (toQuery != null)
        {
            toQuery.addLong(messageId); // null once started: tests recover into a running lane, with nobody to ask
        }
    }

    // ---- admin thread ----

    /**
     * Asks the lane thread to take new rate settings at its next duty cycle.
     *
     * @param changedAtMs when an operator made the change (journaled), 0 for the configured settings.
     */
    public void requestRate(final RateSettings settings, final long changedAtMs)
    {
        rateChangedAtMs = changedAtMs;
        admission.reserve(settings.reservedPercent());
        rate.request(settings);
        wake();
    }

    /** @return when the rate last changed at runtime (epoch ms), 0 while it is the configured one. */
    public long rateChangedAtMs()
    {
        return rateChangedAtMs;
    }

    /** @return the settings in force (after the lane applied the last request). */
    public RateSettings rateSettings()
    {
        return rate.applied();
    }

    // ---- lane thread ----

    @Override
    protected void onStart()
    {
        messages.open();
        final LongArrayList waits = recoveredWaits;
        recoveredWaits = null;
        for (int i = 0; i < waits.size(); i += 3)
        {
            final long id = waits.getLong(i);
            final long kindAndUncertain = waits.getLong(i + 2);
            final long waitMs = messages.load(id) ? waitMs(messages.submit()) : receipts.defaultWaitMs();
            receipts.await(id, (int)(kindAndUncertain & 0xFF), 0, (kindAndUncertain & 1L << 8) != 0,
                waits.getLong(i + 1), waitMs);
        }
    }

    /**
     * @return how long the lane waits for the message's DELIVERED receipt: the deadline it names
     * ({@link FallbackDeadline}, checked at ingest) on a lane with a receipt deadline, else the lane's wait. A value
     * out of this lane's bounds (a message that came here as another lane's fallback) takes the lane's.
     */
    private long waitMs(final SubmitFlyweight submit)
    {
        if (config.fallback().undeliveredMs() <= 0 || submit.varCount() == 0)
        {
            return receipts.defaultWaitMs();
        }
        return boundedWaitMs(FallbackDeadline.of(submit));
    }

    /** {@link #waitMs(SubmitFlyweight)} of a message the connector has just had, read through the SPI's view. */
    private long waitMs(final DeliveryRequest request)
    {
        if (config.fallback().undeliveredMs() <= 0)
        {
            return receipts.defaultWaitMs();
        }
        final Variables vars = request.vars();
        if (vars.count() == 0 || !vars.find(FallbackDeadline.VARIABLE))
        {
            return receipts.defaultWaitMs();
        }
        vars.wrapValue(deadlineValue);
        return boundedWaitMs(FallbackDeadline.parse(deadlineValue, 0, deadlineValue.capacity()));
    }

    private long boundedWaitMs(final long named)
    {
        return named >= FallbackDeadline.MIN_MS && named < config.receiptTimeoutMs() ? named : receipts.defaultWaitMs();
    }

    /**
     * Asks the provider, where the connector can ({@link Connector#query}), how each message it accepted before the
     * restart ended: a final answer comes back as a receipt and ends the message long before its receipt deadline.
     */
    @Override
    protected void onConnectorStarted()
    {
        final LongArrayList ids = toQuery;
        toQuery = null;
        int asked = 0;
        for (int i = 0; i < ids.size(); i++)
        {
            asked += connector().query(ids.getLong(i)) ? 1 : 0;
        }
        if (!ids.isEmpty())
        {
            LOG.info("event=recovery_provider_queries lane={} awaiting_receipt={} asked={}{}", name(), ids.size(), asked,
                asked == 0 ? " hint=\"the connector did not ask (it cannot, or it is configured not to): they end by receipt or receipt timeout\"" : "");
        }
    }

    @Override
    protected void onClose()
    {
        messages.close();
        cancelled.close();
    }

    /** One duty cycle; public so tests can drive the lane without its thread. @return work done. */
    @Override
    public int doWork()
    {
        now = clock.time();
        rate.applyTo(gate, now);
        gate.tick(now);
        int work = sweepCancelled();
        final int outcomes = drainOutcomes(outcomeHandler);
        work += outcomes;
        work += retries.poll(now, queues.priorityRedo(), queues.bulkRedo());
        for (long id = receipts.pollExpired(now); id != NONE; id = receipts.pollExpired(now))
        {
            if (handoff.onUndelivered())
            {
                fallBackUndelivered(id, receipts.expiredValue());
            }
            else
            {
                states.publish(id, DeliveryState.EXPIRED, 0, channel, Reason.RECEIPT_TIMEOUT, now);
                deadLetterAccepted(id, DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT, receipts.expiredValue());
            }
            work++;
        }
        if (!draining)
        {
            work += dispatch();
        }
        if (breaker.state() != CircuitBreaker.CLOSED)
        {
            work += endOverdueWhileHeld();
        }
        states.flush();
        inFlight = window.busy();
        publishParked();
        final int retrying = retries.pending();
        if (retrying != retriesPending)
        {
            retriesPending = retrying;
        }
        queues.publishDepths();
        metrics.publish(gate, breaker);
        if (draining && !drained && inFlight == 0 && outcomes == 0)
        {
            // the outcomes of every call were published to the ring in earlier cycles (states.flush); waiting for
            // a cycle with none lets a receipt a connector reports right after its acceptance (webhook) come in too
            drained = true;
        }
        return work;
    }

    // ---- drain, any thread ----

    /**
     * Graceful shutdown: from the next duty cycle the lane starts no provider call; queued and retrying
     * messages stay pending in the journal for the next start. The outcomes of calls already made are still
     * taken in and journaled, so a restart does not send those messages again.
     */
    public void stopSending()
    {
        draining = true;
        wake();
    }

    /** @return true once, after {@link #stopSending()}, no provider call of this lane awaits its outcome. */
    public boolean isDrained()
    {
        return drained;
    }

    /** @return messages this lane holds that wait for the next start: queued and waiting for a retry. */
    public int heldForRestart()
    {
        return queues.priorityDepth() + queues.bulkDepth() + retriesPending;
    }

    /**
     * Takes in the campaigns cancelled since the last cycle (every send after this checks them) and, once their
     * messages in the ring have been handed off, ends those this lane holds: the bulk queues in slices of
     * {@link #SWEEP_PER_CYCLE}, the retry timers at once.
     */
    private int sweepCancelled()
    {
        cancelled.refresh();
        int work = 0;
        if (cancelled.sweepDue(handedOff))
        {
            queues.startBulkSweep();
            work += retries.endWhere(cancelledCheck);
        }
        return work + queues.sweepBulk(cancelledCheck, SWEEP_PER_CYCLE);
    }

    private boolean endIfCancelled(final long id, final boolean isPriority)
    {
        if (!messages.load(id) || !cancelled.isCancelled(messages.campaignId()))
        {
            return false;
        }
        final long spent = attemptsById.remove(id);
        cancel(id, isPriority, spent == NONE ? 0 : (int)spent, Reason.CANCELLED);
        return true;
    }

    private int dispatch()
    {
        if (gate.isPaused(now) || (holdDispatch != null && holdDispatch.getAsBoolean()))
        {
            return 0;
        }
        int sent = 0;
        while (window.hasFree() && breaker.mayStart(now))
        {
            final int busy = window.busy();
            final boolean isPriority;
            if (queues.hasPriority() && gate.tryPriority(now, busy))
            {
                isPriority = true;
            }
            else if (queues.hasBulk() && gate.tryBulk(now, busy, window.bulkBusy()))
            {
                isPriority = false;
            }
            else
            {
                break;
            }
            final long id = queues.take(isPriority);
            if (send(id, isPriority, queues.takenStamp()))
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
        return queues.endOverdue(overdue);
    }

    /** @return true when the message ended (at its TTL, or its campaign cancelled) or moved at the fallback deadline. */
    private boolean endIfOverdue(final long id, final boolean isPriority)
    {
        if (!messages.load(id))
        {
            return false; // send() reports it when the breaker lets it through
        }
        final long previous = attemptsById.get(id);
        if (endOrMove(id, isPriority, previous == NONE ? 0 : (int)previous))
        {
            attemptsById.remove(id);
            return true;
        }
        return false;
    }

    /**
     * Ends the loaded message if its campaign was cancelled or its TTL passed, or moves it if its fallback
     * deadline passed: the last check before a send.
     */
    private boolean endOrMove(final long id, final boolean isPriority, final int attemptsSpent)
    {
        if (cancelled.isCancelled(messages.campaignId()))
        {
            cancel(id, isPriority, attemptsSpent, Reason.CANCELLED);
            return true;
        }
        if (now >= messages.deadlineMs())
        {
            finish(id, DeliveryState.EXPIRED, attemptsSpent, Reason.TTL_EXPIRED, messages.tenant(), messages.kind());
            return true;
        }
        if (handoff.due(messages.acceptedAtMs(), now) && !uncertain.contains(id))
        {
            fallBack(id, isPriority, Reason.FALLBACK_DEADLINE);
            return true;
        }
        return false;
    }

    /**
     * The loaded message's key for per-recipient order: its tenant, address and class group. Order is kept within
     * a group, never across: marketing (the bulk queue, behind a campaign's backlog) never holds an informational
     * message back, nor one of the others; auth is a group of its own unless {@code orderAuthWithInformational}.
     */
    private long orderKey()
    {
        final MessageKind kind = messages.kind();
        final long group = kind == MessageKind.MARKETING ? 1 :
            kind == MessageKind.AUTH && !config.orderAuthWithInformational() ? 2 : 3;
        return messages.recipientKey() ^ group * 0x9E3779B97F4A7C15L;
    }

    /**
     * @param handedOffNs when the ring handed a fresh message over, 0 for one from a redo queue.
     * @return false when the message ended or moved without a send.
     */
    private boolean send(final long id, final boolean isPriority, final long handedOffNs)
    {
        final long previous = attemptsById.remove(id);
        final int attempt = previous == NONE ? 1 : (int)previous + 1;
        if (!messages.load(id))
        {
            errors.record("journal_record_missing", "no ACCEPTED record for message " + id);
            // no kind to report: the class is the queue's
            states.publish(id, DeliveryState.FAILED, attempt - 1, channel, Reason.PROVIDER_ERROR, now);
            admission.release(isPriority);
            startNextOfRecipient(id); // in case it was a head: its key is known without the record
            deadLetter(id, DeliveryState.FAILED, Reason.PROVIDER_ERROR, attempt - 1, "", null);
            return false;
        }
        if (endOrMove(id, isPriority, attempt - 1))
        {
            return false;
        }
        if (!order.tryStart(orderKey(), id, isPriority))
        {
            // an earlier message to the recipient is still in the lane's hands: this one follows it
            if (previous != NONE)
            {
                attemptsById.put(id, previous);
            }
            return false;
        }
        final DeliveryRequest request = window.acquire(isPriority, now, nanoClock.nanoTime());
        if (!messages.fill(request, id, attempt, config.channel()))
        {
            // a retry would find the same configuration: it ends here, not on a connector thread
            window.release(request.slot());
            if (!templateMissingLogged)
            {
                templateMissingLogged = true;
                LOG.warn("event=template_missing lane={} template={} messages naming it end FAILED(TEMPLATE_MISMATCH): "
                    + "the journal has no version of it and the configuration no template.{}; restore it to send them",
                    name(), request.templateId(), request.templateId());
            }
            finish(id, DeliveryState.FAILED, attempt - 1, Reason.TEMPLATE_MISMATCH, messages.tenant(), messages.kind());
            return false;
        }
        if (mayDispatch != null && messages.campaignId() == 0 && !mayDispatch.test(id))
        {
            window.release(request.slot());
            cancel(id, isPriority, attempt - 1, Reason.OWNERSHIP_LOST);
            return false;
        }
        states.publish(id, DeliveryState.DISPATCHED, attempt, channel, Reason.NONE, now);
        breaker.started();
        metrics.increment(LaneMetrics.SENT);
        if (handedOffNs != 0)
        {
            metrics.recordHandoffLatency(messages.kind().code(), System.nanoTime() - handedOffNs);
        }
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

    private void onOutcome(final int type, final MutableDirectBuffer b, final int index, final int length)
    {
        final long id = b.getLong(index + OutcomeDescriptor.MESSAGE_ID_OFFSET);
        final long extra = b.getLong(index + OutcomeDescriptor.EXTRA_OFFSET);
        final int slot = b.getInt(index + OutcomeDescriptor.SLOT_OFFSET);
        final Reason reason = Reason.of(b.getInt(index + OutcomeDescriptor.REASON_OFFSET));
        if (type == OutcomeQueue.RECEIPT)
        {
            onReceiptOutcome(id, DeliveryState.of((int)extra), reason);
            return;
        }
        if (type == OutcomeQueue.HANDOFF)
        {
            metrics.increment(LaneMetrics.FALLBACKS_IN);
            queues.redo(id, extra == 1);
            return;
        }
        final DeliveryRequest request = window.release(slot);
        final boolean isPriority = request.kind() != MessageKind.MARKETING;
        switch (type)
        {
            case OutcomeQueue.ACCEPTED:
                metrics.increment(LaneMetrics.ACCEPTED);
                metrics.recordAcceptLatencyMicros((nanoClock.nanoTime() - window.sentAtNs(slot)) / 1000);
                gate.onSuccess();
                breaker.onSuccess(now);
                states.publish(id, DeliveryState.PROVIDER_ACCEPTED, request.attempt(), channel, Reason.NONE, now);
                messages.forget(id);
                admission.release(isPriority);
                startNextOfRecipient(id);
                receipts.await(id, request.kind().code(), request.attempt(), uncertain.remove(id), now,
                    waitMs(request));
                break;
            case OutcomeQueue.REJECTED:
                metrics.countRejected(reason);
                if (reason == Reason.UNREGISTERED && unregistered != null)
                {
                    unregistered.accept(request.tenant(), request.recipient());
                }
                gate.onSuccess();
                if (reason == Reason.PROVIDER_AUTH_FAILED)
                {
                    breaker.onFailure(now);
                }
                else
                {
                    breaker.onSuccess(now);
                }
                if (fallsBack(reason, request.kind(), uncertain.contains(id)))
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
        if (gate.onThrottle(now, window.sentAtMs(slot), retryAfterMs))
        {
            metrics.increment(LaneMetrics.THROTTLE_EPISODES);
        }
        breaker.onNeutral();
        if (gate.pausedUntilMs(isPriority) >= request.deadlineMs())
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
        // Priority is not held by a pause without the provider's hint, but while the provider keeps refusing, a
        // message resent at once would bounce every round trip: it tries again a little later instead.
        final long pauseLeftMs = isPriority ? gate.pausedUntilMs() - now : 0;
        if (pauseLeftMs > 0)
        {
            retries.schedule(id, true, now + Math.min(pauseLeftMs, PRIORITY_RETRY_IN_PAUSE_MS));
        }
        else
        {
            queues.redo(id, isPriority);
        }
    }

    private void onTransientFailure(
        final DeliveryRequest request, final boolean isPriority, final Reason reason, final long retryAfterMs)
    {
        final long id = request.messageId();
        final int attempt = request.attempt();
        if (FallbackSettings.mayHaveReached(reason))
        {
            uncertain.add(id);
        }
        if (attempt >= config.maxAttempts())
        {
            if (fallsBack(Reason.RETRIES_EXHAUSTED, request.kind(), uncertain.contains(id)))
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
        if (handoff.due(request.acceptedAtMs(), now + delay) && !uncertain.contains(id))
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

    /**
     * A listed trigger, unless an earlier attempt may have reached the recipient: then only a rejection saying the
     * recipient cannot be reached on this channel at all ({@link FallbackSettings#NEVER_REACHABLE}) still moves it,
     * so a fallback never delivers twice.
     */
    private boolean fallsBack(final Reason reason, final MessageKind kind, final boolean uncertainAttempt)
    {
        return handoff.applies(reason, kind) && (!uncertainAttempt || FallbackSettings.NEVER_REACHABLE.contains(reason));
    }

    /**
     * Gives the message up for the fallback channel: the policy stage decides it again there, journals the move
     * (RETRYING on the new channel, with the trigger) or its deferral or suppression, and only then is it handed
     * to the new lane, so after a kill -9 it is owed on one channel only ({@link StateSink#fallBack}).
     */
    private void fallBack(final long id, final boolean isPriority, final Reason reason)
    {
        states.fallBack(id, handoff.targetChannel(), reason, now, isPriority);
        messages.forget(id);
        metrics.increment(LaneMetrics.FALLBACKS_OUT);
        attemptsById.remove(id);
        uncertain.remove(id);
        admission.release(isPriority);
        startNextOfRecipient(id);
    }

    /**
     * No DELIVERED receipt within the lane's receipt deadline ({@code fallbackUndeliveredMs}): the message falls back,
     * decided again on the new channel, whatever an earlier attempt did; the tenant chose to pay the fallback rather
     * than wait. A receipt that comes after is late ({@link #onReceiptOutcome}) and moves nothing.
     */
    private void fallBackUndelivered(final long id, final long awaited)
    {
        final int kindCode = ReceiptTimeouts.kindOf(awaited);
        final boolean isPriority = kindCode != 0 && MessageKind.of(kindCode).isPriority();
        admission.forceAcquire(isPriority); // fallBack releases it; the lane let it go at provider acceptance
        fallBack(id, isPriority, Reason.FALLBACK_DEADLINE);
    }

    private void onReceiptOutcome(final long id, final DeliveryState state, final Reason reason)
    {
        if (state == null || !state.isTerminal())
        {
            errors.record("bad_receipt_state", "connector reported receipt state " + state + " for message " + id);
            return;
        }
        final long awaited = receipts.receipt(id);
        if (awaited < 0)
        {
            // after its receipt timeout, or a duplicate from the provider: the message already ended
            counters.increment(Counter.LATE_RECEIPTS);
            if (handoff.onUndelivered())
            {
                // most likely after the deadline moved it to the fallback channel: both may have reached the recipient
                metrics.increment(LaneMetrics.FALLBACK_LATE_RECEIPTS);
                states.lateReceipt(id, channel, state, reason, now);
            }
            return;
        }
        if (state == DeliveryState.DELIVERED && handoff.onUndelivered())
        {
            metrics.increment(LaneMetrics.FALLBACK_AVOIDED);
        }
        // a relay may accept a send and report "not a channel user" only in its result (Kakao 3018/3019 by
        // webhook): that is as clean a fallback trigger as a rejected send; an unknown kind (recovered after
        // a restart) is treated as marketing, the stricter case
        final int kindCode = ReceiptTimeouts.kindOf(awaited);
        final MessageKind kind = kindCode == 0 ? MessageKind.MARKETING : MessageKind.of(kindCode);
        if (state != DeliveryState.DELIVERED && fallsBack(reason, kind, ReceiptTimeouts.uncertain(awaited)))
        {
            admission.forceAcquire(kind.isPriority()); // fallBack releases it; the lane let it go at provider acceptance
            fallBack(id, kind.isPriority(), reason);
            return;
        }
        states.publish(id, state, 0, channel, reason, now);
        if (state != DeliveryState.DELIVERED)
        {
            deadLetterAccepted(id, state, reason, awaited);
        }
    }

    /** The message's campaign was cancelled before a provider had it: it ends unsent, which is no failure. */
    private void cancel(final long id, final boolean isPriority, final int attemptsSpent, final Reason reason)
    {
        states.publish(id, DeliveryState.CANCELLED, attemptsSpent, channel, reason, now);
        messages.forget(id);
        admission.release(isPriority);
        startNextOfRecipient(id);
        uncertain.remove(id);
    }

    /** A terminal state before provider acceptance: the lane's responsibility ends, without success. */
    private void finish(
        final long id, final DeliveryState state, final int attempts, final Reason reason, final String tenant,
        final MessageKind kind)
    {
        states.publish(id, state, attempts, channel, reason, now);
        messages.forget(id);
        admission.release(kind.isPriority());
        startNextOfRecipient(id);
        uncertain.remove(id);
        deadLetter(id, state, reason, attempts, tenant, kind);
    }

    /**
     * A message the provider had accepted ended without success (its receipt, or none in time). The lane holds ids
     * only: the tenant, and the kind of a message recovered after a restart, come from its ACCEPTED record.
     */
    private void deadLetterAccepted(final long id, final DeliveryState state, final Reason reason, final long awaited)
    {
        final boolean loaded = messages.load(id);
        final int kindCode = ReceiptTimeouts.kindOf(awaited);
        final MessageKind kind = loaded ? messages.kind() : kindCode == 0 ? null : MessageKind.of(kindCode);
        deadLetter(id, state, reason, ReceiptTimeouts.attemptsOf(awaited), loaded ? messages.tenant() : "", kind);
    }

    /** The message left the lane's hands: the next parked one to its recipient, if any, is sent next. */
    private void startNextOfRecipient(final long id)
    {
        final long next = order.done(id);
        if (next != RecipientOrder.NONE)
        {
            queues.redo(next >>> 1, (next & 1) == 1);
        }
    }

    private void deadLetter(
        final long id, final DeliveryState state, final Reason reason, final int attempts, final String tenant,
        final MessageKind kind)
    {
        metrics.countDeadLetter(reason);
        deadLetters.add(id, now, tenant, state, reason, attempts, kind);
    }

    private void publishParked()
    {
        final int priority = order.parkedPriority();
        final int bulk = order.parked() - priority;
        if (parkedPriority != priority)
        {
            parkedPriority = priority;
        }
        if (parkedBulk != bulk)
        {
            parkedBulk = bulk;
        }
    }

    // ---- gauges, any thread ----

    /** @return informational and auth messages waiting: queued, and parked behind their recipient's earlier one. */
    public int priorityDepth()
    {
        return queues.priorityDepth() + parkedPriority;
    }

    public int bulkDepth()
    {
        return queues.bulkDepth() + parkedBulk;
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

    /** @return the configured connector type ({@code lane.<channel>.connector}), the connector label on /metrics. */
    public String connectorType()
    {
        return config.connectorType();
    }

    /** @return CLOSED, OPEN or HALF_OPEN, as last published by the lane thread. */
    public String breakerState()
    {
        return CircuitBreaker.name((int)metrics.get(LaneMetrics.BREAKER_STATE));
    }
}
