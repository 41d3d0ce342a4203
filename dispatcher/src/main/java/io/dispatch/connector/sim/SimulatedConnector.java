package io.dispatch.connector.sim;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A provider that answers after a configurable latency, fails or rejects at configurable rates and
 * sends a delivery receipt later. One thread; the lane thread hands requests over through an SPSC
 * queue. Allocation-free per message.
 */
final class SimulatedConnector implements Connector
{
    record Settings(long latencyMs, double failureRate, double rejectRate, long receiptDelayMs, boolean stall, long seed)
    {
        static Settings parse(final Map<String, String> s)
        {
            final Settings settings = new Settings(
                number(s, "latencyMs", 2), rate(s, "failureRate"), rate(s, "rejectRate"),
                number(s, "receiptDelayMs", 20), Boolean.parseBoolean(s.getOrDefault("stall", "false")),
                number(s, "seed", 42));
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

    private static final long TICK_MS = 1;
    private static final long NONE = -1;

    private final Settings settings;
    private final OneToOneConcurrentArrayQueue<DeliveryRequest> inbox = new OneToOneConcurrentArrayQueue<>(65536);
    private final Long2ObjectHashMap<DeliveryRequest> answerTimers = new Long2ObjectHashMap<>();
    private final Long2LongHashMap receiptTimers = new Long2LongHashMap(NONE);
    private final SplittableRandom random;
    private final IdleStrategy idle = new BackoffIdleStrategy(64, 16, 1_000, 1_000_000);
    private final DeadlineTimerWheel.TimerHandler timerHandler = this::onTimer;
    private volatile DeliveryCallback callback;
    private volatile boolean running;
    private ConnectorContext context;
    private DeadlineTimerWheel wheel;
    private Thread thread;

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
        this.wheel = new DeadlineTimerWheel(TimeUnit.MILLISECONDS, context.clock().time(), TICK_MS, 4096);
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
    }

    @Override
    public void stop()
    {
        running = false;
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
                answerTimers.put(wheel.scheduleTimer(now + settings.latencyMs), request);
            }
        }
        int guard = 0;
        while (wheel.timerCount() > 0 && wheel.currentTickTime() <= now && guard++ < 4096)
        {
            work += wheel.poll(now, timerHandler, Integer.MAX_VALUE);
        }
        if (wheel.timerCount() == 0)
        {
            wheel.currentTickTime(now);
        }
        return work;
    }

    private boolean onTimer(final TimeUnit unit, final long now, final long timerId)
    {
        final DeliveryRequest request = answerTimers.remove(timerId);
        if (request != null)
        {
            answer(request, now);
            return true;
        }
        final long messageId = receiptTimers.remove(timerId);
        if (messageId != NONE)
        {
            context.receipts().onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
        }
        return true;
    }

    private void answer(final DeliveryRequest request, final long now)
    {
        final DeliveryCallback cb = callback;
        if (recipientStartsWith(request, "reject"))
        {
            cb.onRejected(request, Reason.INVALID_RECIPIENT);
            return;
        }
        if (recipientStartsWith(request, "fail"))
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
            receiptTimers.put(wheel.scheduleTimer(now + settings.receiptDelayMs), messageId);
        }
    }

    private static boolean recipientStartsWith(final DeliveryRequest request, final String prefix)
    {
        final ByteBuf b = request.submit().buffer();
        final int offset = request.submit().recipientOffset();
        if (request.submit().recipientLength() < prefix.length())
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if (b.getByte(offset + i) != prefix.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
