package io.dispatch.connector.smpp;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.Reason;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * SMS over SMPP 3.4 (jSMPP): {@code binds} sessions, each with {@code windowPerBind} outstanding submit_sm.
 * <pre>
 *  lane thread ── send ──▶ queue ──▶ worker × windowPerBind ─▶ bind 0 ─┐
 *                                └─▶ worker × windowPerBind ─▶ bind 1 ─┼─ submit_sm / resp ─▶ SMSC
 *  binder per bind: (re)binds with backoff, in parallel; fails the queue while no bind is up
 *  jSMPP PDU threads ◀── deliver_sm receipts ── ReceiptCorrelator ─▶ ReceiptSink
 *                                                      └─▶ CorrelationJournal (dataDir/smpp-receipts)
 *  after a restart: query(id) ─▶ RecoveryQueries ── query_sm ─▶ SMSC; a final state ─▶ ReceiptCorrelator
 * </pre>
 * jSMPP's submit is blocking, so the window of a bind is the number of workers sharing its session; idle workers
 * take the next message, which spreads load over the binds that are up. Workers of a bind that is down take
 * nothing; a submit in flight when its bind drops is woken and fails PROVIDER_UNAVAILABLE at once instead of
 * waiting for its response timeout.
 * <p>
 * Threading: {@link #send} on the lane thread (never blocks: an offer to an unbounded queue that the lane's own
 * window bounds); outcomes from the workers, the binders or, with no bind up, the lane thread itself.
 */
final class SmppConnector implements Connector
{
    private static final Logger LOG = LoggerFactory.getLogger(SmppConnector.class);
    private static final long POLL_MS = 100;
    private static final long BINDER_TICK_MS = 50;
    /** The receipt correlation log's directory under {@link ConnectorContext#dataDir()}. */
    static final String RECEIPT_LOG_DIR = "smpp-receipts";

    private final SmppSettings settings;
    private final LinkedBlockingDeque<DeliveryRequest> queue = new LinkedBlockingDeque<>();
    // written at start while a bind may already report a drop from its reader thread
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicLong unexpectedErrors = new AtomicLong();
    private SmppBind[] binds;
    private CorrelationJournal correlationJournal;
    private ConnectorContext context;
    private SmppSubmitter submitter;
    private ReceiptListener receiptListener;
    private ReceiptCorrelator correlator;
    private RecoveryQueries recoveryQueries;
    private boolean sending;
    private volatile DeliveryCallback callback;
    private volatile boolean running;
    private Binder[] binders;

    SmppConnector(final SmppSettings settings)
    {
        this.settings = settings;
    }

    @Override
    public String version()
    {
        return "smpp-1 jsmpp-3.0.2 " + settings;
    }

    @Override
    public void start(final ConnectorContext context)
    {
        this.context = context;
        if (settings.registeredDelivery() != 0)
        {
            correlationJournal = new CorrelationJournal(context.recordLogs(), context.dataDir().resolve(RECEIPT_LOG_DIR),
                settings.receiptTrackingTtlMs(), context.clock());
        }
        correlator = new ReceiptCorrelator(context.receipts(), settings.receiptTrackingCapacity(),
            settings.receiptTrackingTtlMs(), () -> TimeUnit.MILLISECONDS.toNanos(context.clock().time()),
            correlationJournal == null ? CorrelationLog.NONE : correlationJournal, settings.messageIds());
        if (correlationJournal != null)
        {
            // before the first bind: a receipt held by the SMSC may come the moment we are bound
            final int restored = correlationJournal.restoreInto(correlator,
                context.clock().time() - settings.receiptTrackingTtlMs());
            LOG.info("event=smpp_receipts_restored lane={} messages={}", context.laneName(), restored);
            correlationJournal.start(context.laneName());
            if (settings.queryOnRecovery() && restored > 0)
            {
                recoveryQueries = new RecoveryQueries(settings, correlator, this::anyBoundSession, context.laneName());
            }
        }
        submitter = new SmppSubmitter(settings, correlator, context.clock(), context.laneName());
        receiptListener = new ReceiptListener(correlator, context.inbound(), settings.moTenant(), context.clock());
        binds = new SmppBind[settings.binds()];
        for (int i = 0; i < binds.length; i++)
        {
            binds[i] = new SmppBind(i, settings, receiptListener, this::onBindDown, context.clock());
        }
        // every bind's first attempt at once: start waits for the slowest, not for the sum
        running = true;
        final CountDownLatch firstAttempts = new CountDownLatch(binds.length);
        binders = new Binder[binds.length];
        for (final SmppBind bind : binds)
        {
            final Binder binder = new Binder(bind, firstAttempts);
            binder.thread = new Thread(binder, "smpp-" + context.laneName() + "-b" + bind.index() + "-binder");
            binder.thread.setDaemon(true);
            binders[bind.index()] = binder;
            binder.thread.start();
        }
        awaitFirstAttempts(firstAttempts);
        for (final Binder binder : binders)
        {
            final int status = binder.firstStatus;
            if (status != SmppBind.BOUND && status != SmppBind.IO_FAILURE && SmppStatusMapping.isBindRefusal(status))
            {
                stopBinders(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.bindTimeoutMs() * 2 + 1_000));
                closeBinds();
                closeCorrelationJournal();
                throw new IllegalStateException("smpp connector: the SMSC " + settings.host() + ":" + settings.port()
                    + " refused the bind of systemId '" + settings.systemId() + "' with command_status "
                    + SmppStatusMapping.hex(status) + "; check systemId, passwordFile/passwordEnv and systemType");
            }
        }
        for (final SmppBind bind : binds)
        {
            for (int w = 0; w < settings.windowPerBind(); w++)
            {
                final Worker worker = new Worker(bind);
                worker.thread = new Thread(worker, "smpp-" + context.laneName() + "-b" + bind.index() + "-w" + w);
                worker.thread.setDaemon(true);
                workers.add(worker);
                worker.thread.start();
            }
        }
    }

    /** Lane thread, right after start: queues a query_sm for each part of a restored message still awaited. */
    @Override
    public boolean query(final long messageId)
    {
        final String[] parts = recoveryQueries == null ? null : correlator.takeRestored(messageId);
        if (parts == null)
        {
            return false;
        }
        recoveryQueries.ask(parts);
        return true;
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        if (!sending)
        {
            // the runtime asks about recovered messages before its first send: what it did not ask about is over
            sending = true;
            correlator.forgetRestored();
        }
        this.callback = callback;
        if (boundCount() == 0)
        {
            callback.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
            return;
        }
        queue.offer(request);
    }

    @Override
    public void stop()
    {
        if (binds == null)
        {
            return; // never started
        }
        running = false;
        if (recoveryQueries != null)
        {
            recoveryQueries.stop();
        }
        // workers finish the submit they are in (at most one request timeout), then exit
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMs() + 1_000);
        stopBinders(deadlineNs);
        for (final Worker worker : workers)
        {
            join(worker.thread, deadlineNs);
        }
        closeBinds(); // a binder still binding finds its bind closed and lets the new session go
        closeCorrelationJournal(); // after the binds: their PDU threads may still report receipts until closed
    }

    /** For tests: what the submitter holds. */
    SmppSubmitter submitter()
    {
        return submitter;
    }

    /** @return a bound session, or null while no bind is up. */
    private SMPPSession anyBoundSession()
    {
        for (final SmppBind bind : binds)
        {
            final SMPPSession s = bind.session();
            if (s != null)
            {
                return s;
            }
        }
        return null;
    }

    /** @return how many binds are up now; for health and tests. */
    int boundCount()
    {
        int n = 0;
        for (final SmppBind bind : binds)
        {
            if (bind.session() != null)
            {
                n++;
            }
        }
        return n;
    }

    /** Bounded: a first attempt takes at most the TCP connect and the bind_resp wait, each up to bindTimeoutMs. */
    private void awaitFirstAttempts(final CountDownLatch firstAttempts)
    {
        try
        {
            firstAttempts.await(settings.bindTimeoutMs() * 2 + 1_000, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void stopBinders(final long deadlineNs)
    {
        running = false;
        for (final Binder binder : binders)
        {
            LockSupport.unpark(binder.thread);
        }
        for (final Binder binder : binders)
        {
            join(binder.thread, deadlineNs);
        }
    }

    private void failQueuedWhileUnbound()
    {
        if (boundCount() == 0)
        {
            // nobody can take these: hand them back so the runtime backs off and retries
            DeliveryRequest request;
            while ((request = queue.poll()) != null)
            {
                callback.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
            }
        }
    }

    /** jSMPP reader thread: a session closed under its workers. */
    private void onBindDown(final SmppBind bind, final Session session)
    {
        LOG.warn("event=smpp_bind_lost lane={} bind={}", context.laneName(), bind.index());
        for (final Worker worker : workers)
        {
            if (worker.current == session)
            {
                worker.thread.interrupt();
            }
        }
        LockSupport.unpark(binders[bind.index()].thread);
    }

    private void closeBinds()
    {
        for (final SmppBind bind : binds)
        {
            bind.close();
        }
    }

    private void closeCorrelationJournal()
    {
        if (correlationJournal != null)
        {
            correlationJournal.close();
            correlationJournal = null;
        }
    }

    private static void join(final Thread thread, final long deadlineNs)
    {
        if (thread == null)
        {
            return;
        }
        try
        {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Keeps one bind up: its first attempt at start, then a new bind whenever it is down and its backoff is over. One
     * thread per bind, so a slow or black-holed attempt holds up no other bind. Also hands queued messages back
     * while no bind at all is up.
     */
    private final class Binder implements Runnable
    {
        private final SmppBind bind;
        private final CountDownLatch firstAttempt;
        private volatile int firstStatus = SmppBind.IO_FAILURE;
        private Thread thread;

        Binder(final SmppBind bind, final CountDownLatch firstAttempt)
        {
            this.bind = bind;
            this.firstAttempt = firstAttempt;
        }

        @Override
        public void run()
        {
            try
            {
                firstStatus = bind.connect(context.clock().time());
                if (firstStatus == SmppBind.BOUND)
                {
                    LOG.info("event=smpp_bound lane={} bind={} smsc={}:{}", context.laneName(), bind.index(),
                        settings.host(), settings.port());
                }
                else if (firstStatus == SmppBind.IO_FAILURE || !SmppStatusMapping.isBindRefusal(firstStatus))
                {
                    LOG.warn("event=smpp_bind_failed lane={} bind={} smsc={}:{} cause=\"{}\" retry=background",
                        context.laneName(), bind.index(), settings.host(), settings.port(), bind.lastFailure());
                }
            }
            finally
            {
                firstAttempt.countDown();
            }
            while (running)
            {
                failQueuedWhileUnbound();
                final long now = context.clock().time();
                if (bind.due(now))
                {
                    if (bind.connect(now) == SmppBind.BOUND)
                    {
                        LOG.info("event=smpp_rebound lane={} bind={}", context.laneName(), bind.index());
                    }
                    else if (running)
                    {
                        LOG.warn("event=smpp_bind_failed lane={} bind={} cause=\"{}\"", context.laneName(), bind.index(),
                            bind.lastFailure());
                    }
                }
                failQueuedWhileUnbound();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(BINDER_TICK_MS));
            }
        }
    }

    /** One slot of a bind's window: takes a message while its bind is up and submits it. */
    private final class Worker implements Runnable
    {
        private final SmppBind bind;
        private volatile Session current;
        private Thread thread;

        Worker(final SmppBind bind)
        {
            this.bind = bind;
        }

        @Override
        public void run()
        {
            while (running)
            {
                try
                {
                    if (bind.session() == null)
                    {
                        bind.awaitBound(POLL_MS);
                        continue;
                    }
                    final DeliveryRequest request = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                    if (request == null)
                    {
                        continue;
                    }
                    // the bind may have dropped (and come back as a new session) while this worker waited
                    final SMPPSession session = bind.session();
                    if (session == null)
                    {
                        queue.offerFirst(request);
                        continue;
                    }
                    current = session;
                    try
                    {
                        submitter.submit(request, callback, session);
                    }
                    catch (final RuntimeException ex)
                    {
                        // a bug, not a provider answer: log the first, count the rest, never once per message
                        if (unexpectedErrors.getAndIncrement() == 0)
                        {
                            LOG.error("event=smpp_submit_error lane={} (further ones counted, not logged)",
                                context.laneName(), ex);
                        }
                        callback.onFailed(request, Reason.PROVIDER_ERROR, 0);
                    }
                    finally
                    {
                        current = null;
                    }
                }
                catch (final InterruptedException ex)
                {
                    // a stale wake-up from a dropped bind: the flag is cleared, carry on
                }
                Thread.interrupted();
            }
        }
    }
}
