package io.dispatch.connector.smpp;

import org.jsmpp.bean.MessageState;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * After a restart, asks the SMSC with {@code query_sm} how the parts it had accepted before, whose receipts had not
 * come, ended (docs/connectors/smpp.md "After a restart"). A final state (DELIVERED, EXPIRED, DELETED, UNDELIVERABLE,
 * REJECTED) is handed to the {@link ReceiptCorrelator} as if it were that part's receipt, so a multipart message
 * ends once every part is known, and a real receipt arriving as well counts once. ENROUTE, ACCEPTED, UNKNOWN, an
 * SMSC that refuses the query (e.g. ESME_RQUERYFAIL) or does not answer leave the part waiting: its message keeps
 * the receipt deadline it had.
 * <p>
 * One thread, started with the first question, paced at {@code queryPerSecond}, one question at a time on
 * whichever bind is up; it logs one line with the counts whenever it has asked everything queued, and parks until
 * the connector stops.
 */
final class RecoveryQueries implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryQueries.class);
    private static final long WAIT_FOR_BIND_MS = 100;

    private final SmppSettings settings;
    private final ReceiptCorrelator correlator;
    private final Supplier<SMPPSession> boundSession;
    private final String laneName;
    private final LinkedBlockingQueue<String> providerIds = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private Thread thread;
    private int asked;
    private int ended;
    private int pending;
    private int refused;
    private int failed;

    RecoveryQueries(
        final SmppSettings settings, final ReceiptCorrelator correlator, final Supplier<SMPPSession> boundSession,
        final String laneName)
    {
        this.settings = settings;
        this.correlator = correlator;
        this.boundSession = boundSession;
        this.laneName = laneName;
    }

    /** Lane thread: queues the parts of one message; the thread starts with the first. */
    void ask(final String[] parts)
    {
        for (final String id : parts)
        {
            providerIds.offer(id);
        }
        if (thread == null)
        {
            thread = new Thread(this, "smpp-" + laneName + "-recovery-queries");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public void run()
    {
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / settings.queryPerSecond();
        long nextNs = System.nanoTime();
        while (running)
        {
            final String id;
            try
            {
                id = providerIds.poll(WAIT_FOR_BIND_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                break;
            }
            if (id == null)
            {
                continue;
            }
            final SMPPSession session = awaitSession();
            if (session == null)
            {
                break; // stopping
            }
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0)
            {
                LockSupport.parkNanos(waitNs);
            }
            nextNs = Math.max(nextNs, System.nanoTime()) + intervalNs;
            ask(session, id);
            if (providerIds.isEmpty())
            {
                LOG.info("event=smpp_recovery_queries lane={} asked={} ended={} still_pending={} refused={} failed={}",
                    laneName, asked, ended, pending, refused, failed);
            }
        }
    }

    private void ask(final SMPPSession session, final String id)
    {
        asked++;
        try
        {
            final QuerySmResult r = session.queryShortMessage(id, settings.sourceTon(), settings.sourceNpi(),
                settings.sourceAddr());
            final MessageState state = r.getMessageState();
            if (state == MessageState.UNKNOWN || state == null)
            {
                pending++; // "invalid state" in an answer to a question says nothing about the message
                return;
            }
            final DeliveryReceipts.Receipt receipt = DeliveryReceipts.fromMessageState(id, state.value());
            if (receipt.state() == null)
            {
                pending++;
                return;
            }
            ended++;
            correlator.onReceipt(receipt);
        }
        catch (final NegativeResponseException ex)
        {
            refused++; // the SMSC no longer knows the id, or does not offer query_sm
        }
        catch (final Exception ex)
        {
            failed++; // timeout, bind lost: the receipt deadline still ends the message
        }
    }

    private SMPPSession awaitSession()
    {
        while (running)
        {
            final SMPPSession s = boundSession.get();
            if (s != null)
            {
                return s;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_BIND_MS));
        }
        return null;
    }

    /** Stops asking (what is not asked keeps its deadline); waits at most one request timeout. */
    void stop()
    {
        running = false;
        final Thread t = thread;
        if (t != null)
        {
            t.interrupt();
            try
            {
                t.join(settings.requestTimeoutMs() + 1_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
