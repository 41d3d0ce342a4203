package io.dispatch.cluster;

import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.targeting.ClusterTargeting;
import io.dispatch.targeting.TargetingConductor;
import io.dispatch.targeting.TargetingRequest;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's {@link ClusterTargeting}: a client's DIRECTORY_UPDATE goes to the directory topic ({@link
 * DirectoryRows}), its campaign requests to the campaigns topic ({@link ClusterCampaigns}); a campaign fans out to
 * the recipients whose directory partition this node owns, reports those it handled ({@link HandledMarks}), and takes
 * over a partition's unhandled recipients when the node gains it.
 */
final class ClusterTargetingRoute implements ClusterTargeting
{
    private final LocalTargeting local;
    private final OwnershipFence fence;
    private final int partitions;
    /** Tenant name, 0, recipient id: the directory key, hashed in place (targeting thread only). */
    private final byte[] key = new byte[256 + 1 + DirectoryOp.MAX_ID_LENGTH];
    private final AtomicLong takenOver = new AtomicLong();
    private volatile DirectoryRows rows;
    private volatile ClusterCampaigns campaigns;
    private volatile HandledMarks marks;
    /** Set by the campaigns reader around a CAMPAIGN_TAKE_OVER it waits for; read by the targeting thread. */
    private volatile TakeOver takeOver;
    /** A graceful stop: no campaign fans out here any more; the partitions' next owners take the rest over. */
    private volatile boolean leaving;

    /** A partition taken over, and the recipients of the campaign an earlier owner of it handled. */
    record TakeOver(int partition, Set<String> handled)
    {
    }

    ClusterTargetingRoute(final LocalTargeting local, final OwnershipFence fence, final int partitions)
    {
        this.local = local;
        this.fence = fence;
        this.partitions = partitions;
    }

    /** Before the node's port opens (the engine answers BACKPRESSURE until then). */
    void to(final DirectoryRows rows, final ClusterCampaigns campaigns, final HandledMarks marks)
    {
        this.marks = marks;
        this.rows = rows;
        this.campaigns = campaigns;
    }

    void takeOver(final TakeOver t)
    {
        takeOver = t;
    }

    void leave()
    {
        leaving = true;
    }

    /** @return campaign recipients this node took over from an earlier owner of their partition. */
    long takenOver()
    {
        return takenOver.get();
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
        return !leaving && fence.fansOut(partition(tenantName, recipientId, length));
    }

    @Override
    public boolean fansOut(final byte[] tenantName, final byte[] recipientId, final int length)
    {
        return !leaving && fence.fansOut(partition(tenantName, recipientId, length));
    }

    @Override
    public boolean takesOver(final byte[] tenantName, final byte[] recipientId, final int length)
    {
        final TakeOver t = takeOver;
        final int partition = partition(tenantName, recipientId, length);
        if (t == null || leaving || partition != t.partition || !fence.fansOut(partition)
            || t.handled.contains(new String(recipientId, 0, length, StandardCharsets.UTF_8)))
        {
            return false;
        }
        takenOver.incrementAndGet();
        return true;
    }

    @Override
    public boolean handledThere(final byte[] tenantName, final byte[] recipientId, final int length)
    {
        final TakeOver t = takeOver;
        return t != null && partition(tenantName, recipientId, length) == t.partition
            && t.handled.contains(new String(recipientId, 0, length, StandardCharsets.UTF_8));
    }

    @Override
    public void handled(final byte[] campaignName, final byte[] tenantName, final byte[] recipientId, final int length)
    {
        marks.add(campaignName, tenantName, recipientId, length, partition(tenantName, recipientId, length));
    }

    @Override
    public void handledFlush()
    {
        marks.flush();
    }

    /** The partition of a recipient's directory row ({@link DirectoryRows#recipientKey}), without allocating. */
    private int partition(final byte[] tenantName, final byte[] recipientId, final int length)
    {
        System.arraycopy(tenantName, 0, key, 0, tenantName.length);
        key[tenantName.length] = 0;
        System.arraycopy(recipientId, 0, key, tenantName.length + 1, length);
        return (murmur2(key, tenantName.length + 1 + length) & 0x7fffffff) % partitions;
    }

    /** Kafka's murmur2 ({@code Utils.murmur2}) over the first {@code length} bytes. */
    static int murmur2(final byte[] data, final int length)
    {
        final int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        final int length4 = length / 4;
        for (int i = 0; i < length4; i++)
        {
            final int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) +
                ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length % 4)
        {
            case 3:
                h ^= (data[(length & ~3) + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[(length & ~3) + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[length & ~3] & 0xff;
                h *= m;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
