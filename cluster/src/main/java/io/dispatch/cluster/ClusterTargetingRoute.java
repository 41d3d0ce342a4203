package io.dispatch.cluster;

import io.dispatch.config.TenantRegistry;
import io.dispatch.targeting.ClusterTargeting;
import io.dispatch.targeting.TargetingConductor;
import io.dispatch.targeting.TargetingRequest;

/**
 * The engine's {@link ClusterTargeting}: a client's DIRECTORY_UPDATE goes to the directory topic ({@link
 * DirectoryRows}), its campaign requests to the campaigns topic ({@link ClusterCampaigns}); a campaign fans out to
 * the recipients whose directory partition this node owns.
 */
final class ClusterTargetingRoute implements ClusterTargeting
{
    private final LocalTargeting local;
    private final OwnershipFence fence;
    private final int partitions;
    private volatile DirectoryRows rows;
    private volatile ClusterCampaigns campaigns;

    ClusterTargetingRoute(final LocalTargeting local, final OwnershipFence fence, final int partitions)
    {
        this.local = local;
        this.fence = fence;
        this.partitions = partitions;
    }

    /** Before the node's port opens (the engine answers BACKPRESSURE until then). */
    void to(final DirectoryRows rows, final ClusterCampaigns campaigns)
    {
        this.rows = rows;
        this.campaigns = campaigns;
    }

    @Override
    public void attach(final TargetingConductor conductor, final TenantRegistry tenants)
    {
        local.attach(conductor, tenants);
    }

    @Override
    public boolean offer(final TargetingRequest request)
    {
        if (rows == null || campaigns == null)
        {
            return false;
        }
        switch (request.type())
        {
            case TargetingRequest.DIRECTORY_UPDATE:
                rows.write(request, local.tenants().nameBytes(request.tenantId()));
                return true;
            case TargetingRequest.CAMPAIGN:
                return campaigns.start(request, local.tenants().nameBytes(request.tenantId()));
            case TargetingRequest.CAMPAIGN_CONTROL:
                return campaigns.control(request);
            case TargetingRequest.CAMPAIGN_STATS:
                return campaigns.stats(request);
            default:
                return local.offer(request, 0);
        }
    }

    @Override
    public boolean owns(final byte[] tenantName, final byte[] recipientId, final int length)
    {
        final byte[] key = DirectoryRows.recipientKey(tenantName, recipientId, 0, length);
        return fence.epoch(ProducingIntake.partition(key, partitions)) != 0;
    }
}
