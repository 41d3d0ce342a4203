package io.dispatch.ring;

import com.lmax.disruptor.EventHandler;

/**
 * The last stage of every topology: drops the objects the slot refers to ({@link DispatchEvent#clearReferences()}),
 * as the Disruptor user guide's "Clearing Objects From the Ring Buffer" recommends for a chain of handlers.
 * {@link DispatchEvent#reset(int)} already keeps a stale reference from being read by the slot's next event; this
 * stage keeps it from being reachable meanwhile, which on an idle 65,536-slot ring can be hours: a closed session,
 * its answer queues and an answered inbound future would otherwise live until the ring wraps round to the slot.
 * The body arrays stay: they are the slot's own storage, reused so that publishing allocates nothing.
 */
public final class ClearingHandler implements EventHandler<DispatchEvent>
{
    @Override
    public void onEvent(final DispatchEvent event, final long sequence, final boolean endOfBatch)
    {
        event.clearReferences();
    }
}
