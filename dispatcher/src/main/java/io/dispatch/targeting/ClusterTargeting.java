package io.dispatch.targeting;

import io.dispatch.config.TenantRegistry;

/**
 * What cluster mode (module {@code cluster}) plugs into the directory and campaigns: a client's directory and
 * campaign requests go to the cluster's topics instead of this node's targeting thread, and a campaign started here
 * fans out only to the recipients of the partitions this node owns (docs/design/cluster.md). Null on one node.
 */
public interface ClusterTargeting
{
    /**
     * Once, before the targeting thread starts: this node's own targeting thread, which the cluster hands the
     * requests it reads back from its topics, and the engine's tenant ids.
     */
    void attach(TargetingConductor local, TenantRegistry tenants);

    /** A client's DIRECTORY_UPDATE or campaign frame, on the session's event loop; false: answer BACKPRESSURE. */
    boolean offer(TargetingRequest request);

    /**
     * On the targeting thread, when a campaign starts: whether this node fans it out to the recipient, i.e. owns the
     * partition of the recipient's directory row.
     */
    boolean owns(byte[] tenantName, byte[] recipientId, int length);
}
