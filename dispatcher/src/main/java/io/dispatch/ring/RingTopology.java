package io.dispatch.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.dispatch.status.DistinctErrorLog;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The dispatch ring and its handler graph:
 * <pre>
 *  ingest event loops ─┐                  ┌──────────── ring-journal ───────────┐   ┌──────── ring-post ────────┐
 *  connector lanes ────┼─▶ ring (multi- ─▶│ dedup ─▶ journal append (+fsync) │─▶│ ack ─▶ status ─▶ hand-off │
 *  (state changes)     ┘    producer)     └───────────────────────────────────┘   └──────────▶ session flush ─┘
 * </pre>
 * Two consumer threads: everything after the journal waits for the append, so no ACK, receipt or
 * dispatch can overtake it. See {@code docs/design/ring-topology.md} for why two threads on a 2-core box.
 */
public final class RingTopology implements AutoCloseable
{
    private final Disruptor<DispatchEvent> disruptor;

    public RingTopology(
        final int size,
        final String waitStrategy,
        final EventHandler<DispatchEvent> journalStages,
        final EventHandler<DispatchEvent> postStages,
        final DistinctErrorLog errors)
    {
        disruptor = new Disruptor<>(DispatchEvent::new, size, new DefaultThreadFactory("ring", true),
            ProducerType.MULTI, waitStrategy(waitStrategy));
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler(errors));
        disruptor.handleEventsWith(journalStages).then(postStages);
    }

    public static WaitStrategy waitStrategy(final String name)
    {
        switch (name)
        {
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

    /** Waits until every published event has passed every stage, then stops the consumer threads. */
    @Override
    public void close()
    {
        try
        {
            disruptor.shutdown(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final com.lmax.disruptor.TimeoutException ex)
        {
            disruptor.halt();
        }
    }

    /** A stage that throws must not stop the ring: log once per distinct error and go on. */
    private static final class LoggingExceptionHandler implements ExceptionHandler<DispatchEvent>
    {
        private final DistinctErrorLog errors;

        LoggingExceptionHandler(final DistinctErrorLog errors)
        {
            this.errors = errors;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final DispatchEvent event)
        {
            errors.record("ring_stage_failed", ex);
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
