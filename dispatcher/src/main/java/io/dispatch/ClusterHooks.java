package io.dispatch;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ring.DispatchEvent;

import java.util.function.LongPredicate;

/**
 * What cluster mode (module {@code cluster}) adds to the engine, beside its {@link io.dispatch.ingest.SubmitIntake}:
 * an observer of the ring, and an ownership check every lane makes before a provider send. The single-node engine
 * has none (docs/design/cluster.md).
 */
public interface ClusterHooks
{
    /**
     * Runs on the journal thread right after the journal stage, before the hand-off to the lanes: it sees each event
     * with its journal id and decision, and each batch of lane state changes once journaled.
     */
    EventHandler<DispatchEvent> journaledObserver();

    /**
     * Asked by a lane on its own thread just before it hands a message that is not a campaign's to the provider
     * (after every other check). False: the node no longer owns the message's partition, so the lane ends the message
     * here CANCELLED (reason CANCELLED) instead of sending it; the partition's new owner sends it.
     */
    LongPredicate mayDispatch();

    /**
     * Asked by each lane at the start of its sends, on its own thread: true holds every send (nothing is ended) until
     * it turns false again. Cluster mode: the node has not heard from the group lately enough to be sure it still owns
     * its partitions (it may have been paused past the session timeout).
     */
    java.util.function.BooleanSupplier holdDispatch();
}
