package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ring.ClearingHandler;
import io.dispatch.ring.DispatchEvent;

/**
 * Every stage of the default one-thread topology, called through typed fields: each call site has a
 * single receiver type, so the JIT inlines the whole chain (a loop over an array of handlers, as
 * {@link io.dispatch.ring.StageChain} does for the two-thread topology, stays megamorphic).
 */
public final class DispatchStages implements EventHandler<DispatchEvent>
{
    private final DedupHandler dedup;
    private final PolicyHandler policy;
    private final JournalHandler journal;
    private final AckHandler ack;
    private final StatusHandler status;
    private final HandoffHandler handoff;
    private final SessionFlusher flusher;
    private final ClearingHandler clearing;
    /** Cluster mode's observer of journaled events ({@code io.dispatch.ClusterHooks}), null on one node. */
    private EventHandler<DispatchEvent> observer;

    public DispatchStages(
        final DedupHandler dedup,
        final PolicyHandler policy,
        final JournalHandler journal,
        final AckHandler ack,
        final StatusHandler status,
        final HandoffHandler handoff,
        final SessionFlusher flusher,
        final ClearingHandler clearing)
    {
        this.dedup = dedup;
        this.policy = policy;
        this.journal = journal;
        this.ack = ack;
        this.status = status;
        this.handoff = handoff;
        this.flusher = flusher;
        this.clearing = clearing;
    }

    /** @param observer called after the journal stage, before the hand-off; null for none. */
    public DispatchStages observeJournaled(final EventHandler<DispatchEvent> observer)
    {
        this.observer = observer;
        return this;
    }

    @Override
    public void onEvent(final DispatchEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        dedup.onEvent(event, sequence, endOfBatch);
        policy.onEvent(event, sequence, endOfBatch);
        journal.onEvent(event, sequence, endOfBatch);
        if (observer != null)
        {
            observer.onEvent(event, sequence, endOfBatch);
        }
        ack.onEvent(event, sequence, endOfBatch);
        status.onEvent(event, sequence, endOfBatch);
        handoff.onEvent(event, sequence, endOfBatch);
        flusher.onEvent(event, sequence, endOfBatch);
        clearing.onEvent(event, sequence, endOfBatch);
    }

    @Override
    public void onStart()
    {
        journal.onStart();
    }

    @Override
    public void onShutdown()
    {
        journal.onShutdown();
    }
}
