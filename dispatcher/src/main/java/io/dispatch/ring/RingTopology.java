package io.dispatch.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import io.dispatch.journal.StateRecords;
import io.dispatch.status.DistinctErrorLog;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch ring and its handler graph. By default one consumer thread runs every stage in order:
 * <pre>
 *  ingest event loops ─┐                   ┌──────────────────────── ring-1 ──────────────────────────────────────────┐
 *  connector lanes ────┼─▶ ring (multi- ──▶│ dedup ─▶ journal (+fsync) ─▶ ack ─▶ status ─▶ hand-off ─▶ flush ─▶ clear │
 *  (state changes)     ┘    producer)      └──────────────────────────────────────────────────────────────────────────┘
 * </pre>
 * With {@code ring.consumerThreads=2} the stages after the journal run on a second thread that follows
 * the first. Either way nothing after the journal stage sees a message before its append. See
 * {@code docs/design/ring-topology.md}.
 */
public final class RingTopology implements AutoCloseable
{
    private final Disruptor<DispatchEvent> disruptor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** @param phases handlers run in sequence, each on its own thread, each after the previous one. */
    @SafeVarargs
    @SuppressWarnings("varargs")
    public RingTopology(
        final int size,
        final String waitStrategy,
        final DistinctErrorLog errors,
        final MarketingShare marketing,
        final EventHandler<DispatchEvent>... phases)
    {
        final ThreadFactory named = new DefaultThreadFactory("ring", true);
        final ThreadFactory recorded = runnable ->
        {
            final Thread t = named.newThread(runnable);
            threads.add(t);
            return t;
        };
        disruptor = new Disruptor<>(RingTopology::newSlot, size, recorded, ProducerType.MULTI, waitStrategy(waitStrategy));
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler(errors, marketing));
        EventHandlerGroup<DispatchEvent> group = disruptor.handleEventsWith(phases[0]);
        for (int i = 1; i < phases.length; i++)
        {
            group = group.then(phases[i]);
        }
    }

    /**
     * A slot whose body already holds a lane's fullest STATE batch: grown one slot at a time instead, the lanes went on
     * allocating for many ring laps, as each slot met its first full batch (docs/PERFORMANCE.md, "Hot-path allocation").
     */
    static DispatchEvent newSlot()
    {
        final DispatchEvent e = new DispatchEvent();
        e.body = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
        return e;
    }

    public static WaitStrategy waitStrategy(final String name)
    {
        switch (name)
        {
            case "liteblocking": return new LiteBlockingWaitStrategy();
            // spin 5 µs, yield until 100 µs, then block: no signalling cost under load, no CPU when idle
            case "phased": return PhasedBackoffWaitStrategy.withLiteLock(5, 100, TimeUnit.MICROSECONDS);
            case "sleeping": return new SleepingWaitStrategy();
            case "yielding": return new YieldingWaitStrategy();
            case "busyspin": return new BusySpinWaitStrategy();
            default: return new BlockingWaitStrategy();
        }
    }

    public com.lmax.disruptor.RingBuffer<DispatchEvent> start()
    {
        return disruptor.start();
    }

    public com.lmax.disruptor.RingBuffer<DispatchEvent> ringBuffer()
    {
        return disruptor.getRingBuffer();
    }

    /**
     * Waits until every published event has passed every stage, stops the consumer threads and waits for
     * them to finish their {@code onShutdown} (the journal stage closes its appender there).
     */
    @Override
    public void close()
    {
        try
        {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        }
        catch (final com.lmax.disruptor.TimeoutException ex)
        {
            disruptor.halt();
        }
        for (final Thread t : threads)
        {
            try
            {
                t.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A stage that throws must not stop the ring: log once per distinct error and go on. A marketing SUBMIT whose
     * stage threw before the ack stage saw it gives its ring share back here, or the share would shrink for good.
     */
    private static final class LoggingExceptionHandler implements ExceptionHandler<DispatchEvent>
    {
        private final DistinctErrorLog errors;
        private final MarketingShare marketing;

        LoggingExceptionHandler(final DistinctErrorLog errors, final MarketingShare marketing)
        {
            this.errors = errors;
            this.marketing = marketing;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final DispatchEvent event)
        {
            errors.record("ring_stage_failed", ex);
            if (event.marketingSlot)
            {
                event.marketingSlot = false;
                marketing.release(1);
            }
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            errors.record("ring_stage_start_failed", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            errors.record("ring_stage_shutdown_failed", ex);
        }
    }
}
