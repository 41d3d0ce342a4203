package io.dispatch.connector.sim;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.util.DeadlineFifo;
import io.dispatch.util.DormantIdle;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A provider that answers after a configurable latency, fails or rejects at configurable rates and
 * sends a delivery receipt later. One thread; the lane thread hands requests over through an SPSC
 * queue. Allocation-free per message.
 */
final class SimulatedConnector implements Connector
{
    /** Recipient prefixes that script an outcome, tested on the address's bytes (no String per message). */
    private static final byte[] NOCHAT = ascii("nochat");
    private static final byte[] FCM_GONE = ascii("fcm:gone");
    private static final byte[] APNS_GONE = ascii("apns:gone");
    private static final byte[] REJECT = ascii("reject");
    private static final byte[] FLAKY = ascii("flaky");
    private static final byte[] FAIL = ascii("fail");

    record Settings(long latencyMs, double failureRate, double rejectRate, long receiptDelayMs, boolean stall, long seed,
        long maxPerSecond, long throttleRetryAfterMs)
    {
        static Settings parse(final Map<String, String> s)
        {
            final Settings settings = new Settings(
                number(s, "latencyMs", 2), rate(s, "failureRate"), rate(s, "rejectRate"),
                number(s, "receiptDelayMs", 20), Boolean.parseBoolean(s.getOrDefault("stall", "false")),
                number(s, "seed", 42), number(s, "maxPerSecond", 0), number(s, "throttleRetryAfterMs", 0));
            if (settings.failureRate + settings.rejectRate > 1.0)
            {
                throw new IllegalArgumentException("failureRate + rejectRate must not exceed 1");
            }
            return settings;
        }

        private static long number(final Map<String, String> s, final String key, final long defaultValue)
        {
            final String v = s.get(key);
            try
            {
                final long n = v == null ? defaultValue : Long.parseLong(v.trim());
                if (n < 0)
                {
                    throw new IllegalArgumentException(key + " must be >= 0");
                }
                return n;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number", ex);
            }
        }

        private static double rate(final Map<String, String> s, final String key)
        {
            final String v = s.get(key);
            try
            {
                final double r = v == null ? 0.0 : Double.parseDouble(v.trim());
                if (!(r >= 0.0 && r <= 1.0))
                {
                    throw new IllegalArgumentException(key + " must be within [0, 1]");
                }
                return r;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a number", ex);
            }
        }
    }

    private final Settings settings;
    private final OneToOneConcurrentArrayQueue<DeliveryRequest> inbox = new OneToOneConcurrentArrayQueue<>(65536);
    // latency and receipt delay are constant, so deadlines arrive in order: FIFOs instead of timer wheels
    private final DeadlineFifo answers = new DeadlineFifo(1024);
    private final DeadlineFifo receipts = new DeadlineFifo(4096);
    private final SplittableRandom random;
    // the simulated provider of a channel nobody sends on sleeps, like its lane (DormantIdle)
    private final DormantIdle idle = new DormantIdle(new BackoffIdleStrategy(64, 16, 1_000, 1_000_000), 1_000);
    private volatile DeliveryCallback callback;
    private volatile boolean running;
    private ConnectorContext context;
    private Thread thread;
    // provider-side quota (maxPerSecond): a fixed one-second window, as many provider quotas count
    private long quotaWindowStartMs;
    private long quotaUsed;

    SimulatedConnector(final Settings settings)
    {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed);
    }

    @Override
    public String version()
    {
        return "simulated-1 " + settings;
    }

    @Override
    public void start(final ConnectorContext context)
    {
        this.context = context;
        running = true;
        thread = new Thread(this::run, "sim-" + context.laneName());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        this.callback = callback;
        while (!inbox.offer(request))
        {
            Thread.onSpinWait();
        }
        idle.wake();
    }

    @Override
    public void stop()
    {
        running = false;
        idle.wake();
        if (thread != null)
        {
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        while (running)
        {
            idle.idle(doWork());
        }
    }

    private int doWork()
    {
        final long now = context.clock().time();
        int work = 0;
        DeliveryRequest request;
        while ((request = inbox.poll()) != null)
        {
            work++;
            if (settings.stall)
            {
                continue;
            }
            if (settings.latencyMs == 0)
            {
                answer(request, now);
            }
            else
            {
                answers.add(0, request, now + settings.latencyMs);
            }
        }
        while (answers.headExpired(now))
        {
            final DeliveryRequest due = (DeliveryRequest)answers.headAttachment();
            answers.removeHead();
            answer(due, now);
            work++;
        }
        while (receipts.headExpired(now))
        {
            context.receipts().onReceipt(receipts.headValue(), DeliveryState.DELIVERED, Reason.NONE);
            receipts.removeHead();
            work++;
        }
        return work;
    }

    private void answer(final DeliveryRequest request, final long now)
    {
        final DeliveryCallback cb = callback;
        if (settings.maxPerSecond > 0)
        {
            if (now - quotaWindowStartMs >= 1_000)
            {
                quotaWindowStartMs = now;
                quotaUsed = 0;
            }
            if (++quotaUsed > settings.maxPerSecond)
            {
                cb.onFailed(request, Reason.PROVIDER_THROTTLED, settings.throttleRetryAfterMs);
                return;
            }
        }
        if (context.channel() == ChannelType.CHAT && request.recipientStartsWith(NOCHAT))
        {
            // Kakao 3018/3019: the phone number has no KakaoTalk account
            cb.onRejected(request, Reason.NOT_CHANNEL_USER);
            return;
        }
        if (context.channel() == ChannelType.PUSH
            && (request.recipientStartsWith(FCM_GONE) || request.recipientStartsWith(APNS_GONE)))
        {
            // APNs 410 / FCM UNREGISTERED: the app was uninstalled
            cb.onRejected(request, Reason.UNREGISTERED);
            return;
        }
        if (request.recipientStartsWith(REJECT))
        {
            cb.onRejected(request, Reason.INVALID_RECIPIENT);
            return;
        }
        if (request.recipientStartsWith(FLAKY) && request.attempt() == 1)
        {
            // fails its first attempt only: a retried-then-delivered message on demand
            cb.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
            return;
        }
        if (request.recipientStartsWith(FAIL))
        {
            cb.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
            return;
        }
        final double roll = random.nextDouble();
        if (roll < settings.rejectRate)
        {
            cb.onRejected(request, Reason.INVALID_RECIPIENT);
            return;
        }
        if (roll < settings.rejectRate + settings.failureRate)
        {
            cb.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
            return;
        }
        final long messageId = request.messageId();
        cb.onAccepted(request);
        if (settings.receiptDelayMs == 0)
        {
            context.receipts().onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
        }
        else
        {
            receipts.add(messageId, null, now + settings.receiptDelayMs);
        }
    }

    private static byte[] ascii(final String prefix)
    {
        return prefix.getBytes(StandardCharsets.US_ASCII);
    }
}
