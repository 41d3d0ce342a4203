package io.dispatch;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ingest.RequestRouter;
import io.dispatch.ingest.SubmitIntake;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.stage.RateShare;
import io.dispatch.stage.StateTap;
import io.dispatch.targeting.ClusterTargeting;

import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * What cluster mode (module {@code cluster}) plugs into the engine; every part may be null, and the single-node
 * engine has {@link #NONE} (docs/design/cluster.md).
 *
 * @param intake            where client SUBMITs go instead of the ring.
 * @param router            STATUS and CANCEL of the cluster's message ids.
 * @param tap               where the status stage sends accepted messages and state changes instead of the local
 *                          subscribers.
 * @param share             this node's share of the tenant and sender-profile rates.
 * @param journaledObserver runs on the journal thread right after the journal stage, before the hand-off to the
 *                          lanes: it sees each event with its journal id and decision, and each batch of lane state
 *                          changes once journaled.
 * @param mayDispatch       asked by a lane on its own thread just before it hands a message that is not a campaign's
 *                          to the provider (after every other check). False: the node no longer owns the message's
 *                          partition, so the lane ends it here CANCELLED (OWNERSHIP_LOST) instead of sending it; the new
 *                          owner sends it.
 * @param holdDispatch      asked by each lane at the start of its sends: true holds every send (nothing is ended)
 *                          until it turns false again; the node has not heard from the group lately enough to be sure
 *                          it still owns its partitions (it may have been paused past the session timeout).
 * @param targeting         where a client's directory and campaign requests go, and which directory recipients a
 *                          campaign started on this node fans out to.
 */
public record ClusterHooks(
    SubmitIntake intake,
    RequestRouter router,
    StateTap tap,
    RateShare share,
    EventHandler<DispatchEvent> journaledObserver,
    LongPredicate mayDispatch,
    BooleanSupplier holdDispatch,
    ClusterTargeting targeting)
{
    /** The single-node engine. */
    public static final ClusterHooks NONE = new ClusterHooks(null, null, null, null, null, null, null, null);

    /** Only an intake (tests of the ingest seam). */
    public static ClusterHooks intakeOnly(final SubmitIntake intake)
    {
        return new ClusterHooks(intake, null, null, null, null, null, null, null);
    }
}
