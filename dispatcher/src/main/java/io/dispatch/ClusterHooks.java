package io.dispatch;

import io.dispatch.ingest.RequestRouter;
import io.dispatch.ingest.SubmitIntake;
import io.dispatch.stage.RateShare;
import io.dispatch.stage.StateTap;

/**
 * What cluster mode (module {@code cluster}) plugs into the engine; every part may be null (docs/design/cluster.md).
 *
 * @param intake where client SUBMITs go instead of the ring.
 * @param router STATUS and CANCEL of the cluster's message ids.
 * @param tap    where the status stage sends accepted messages and state changes instead of the local subscribers.
 * @param share  this node's share of the tenant and sender-profile rates.
 */
public record ClusterHooks(SubmitIntake intake, RequestRouter router, StateTap tap, RateShare share)
{
}
