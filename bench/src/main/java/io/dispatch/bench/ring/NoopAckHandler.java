package io.dispatch.bench.ring;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;

/**
 * Stands in for {@code AckHandler} (which needs live sessions): bumps the same counters per outcome and
 * keeps its own totals so the benchmark can check every message was acknowledged, but answers nobody.
 * <p>
 * Threading: {@link #onEvent} runs on the ring's post-journal thread; read the totals only after the ring's
 * gating sequence (a volatile) has passed the last event, which makes them visible.
 */
final class NoopAckHandler implements EventHandler<DispatchEvent>
{
    private final Counters counters;
    private long accepted;
    private long duplicates;
    private long failed;

    NoopAckHandler(final Counters counters)
    {
        this.counters = counters;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type != DispatchEvent.SUBMIT)
        {
            return;
        }
        switch (e.outcome)
        {
            case DispatchEvent.OUTCOME_ACCEPTED:
                counters.increment(Counter.ACKED);
                accepted++;
                break;
            case DispatchEvent.OUTCOME_DUPLICATE:
                counters.increment(Counter.DUPLICATES);
                duplicates++;
                break;
            default:
                counters.increment(Counter.SUBMITS_NACKED);
                failed++;
        }
    }

    long accepted()
    {
        return accepted;
    }

    long duplicates()
    {
        return duplicates;
    }

    long failed()
    {
        return failed;
    }
}
