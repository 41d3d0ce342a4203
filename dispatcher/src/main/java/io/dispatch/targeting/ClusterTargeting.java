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

    /**
     * On the targeting thread, before each recipient a running campaign fans out to: whether this node still fans out
     * over the recipient's partition. False (the partition was lost or is being handed over) skips the recipient
     * here: its partition's next owner takes it over ({@link TargetingRequest#CAMPAIGN_TAKE_OVER}).
     */
    boolean fansOut(byte[] tenantName, byte[] recipientId, int length);

    /**
     * On the targeting thread, during a {@link TargetingRequest#CAMPAIGN_TAKE_OVER}: whether this node takes the
     * matched recipient over, i.e. the recipient's partition is the one taken over and no earlier owner marked it
     * handled.
     */
    boolean takesOver(byte[] tenantName, byte[] recipientId, int length);

    /**
     * On the targeting thread, during a {@link TargetingRequest#CAMPAIGN_TAKE_OVER}: whether a recipient still left in
     * this node's own audience is on the partition taken over and an owner of it (while this node did not own it)
     * marked it handled: it is dropped from the audience here.
     */
    boolean handledThere(byte[] tenantName, byte[] recipientId, int length);

    /**
     * On the targeting thread: the campaign's message to the recipient is in this node's message journal (or the
     * recipient was skipped as unreachable or opted out). The cluster records it on the recipient's partition, so a
     * later owner of that partition does not fan out to the recipient again. A campaign's name is unique within its
     * tenant across the cluster.
     */
    void handled(byte[] campaignName, byte[] tenantName, byte[] recipientId, int length);

    /** On the targeting thread, after a run of {@link #handled} calls: write them. */
    void handledFlush();
}
