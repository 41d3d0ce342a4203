package io.dispatch.cluster;

import io.dispatch.stage.RateShare;

/**
 * This node's share of the tenant rates: the partitions it owns now out of the topic's. The policy stage re-applies
 * {@code rate × owned / partitions} whenever the feeder's assignment changes (docs/design/cluster.md).
 */
final class ClusterRateShare implements RateShare
{
    private final int partitions;
    private volatile PartitionFeeder feeder;
    /** Publishing thread only: the share the policy stage was last nudged for. */
    private int nudgedFor = -1;

    ClusterRateShare(final int partitions)
    {
        this.partitions = partitions;
    }

    void feeder(final PartitionFeeder feeder)
    {
        this.feeder = feeder;
    }

    /**
     * Polled by the status publishing thread: after an assignment change, publishes an empty ring event so the
     * policy stage applies the new share now, not at the next message.
     */
    void nudgeOnChange(final io.dispatch.ingest.AcceptedPublisher publisher)
    {
        final int owned = owned();
        if (owned != nudgedFor && publisher.nudge())
        {
            nudgedFor = owned;
        }
    }

    @Override
    public int owned()
    {
        final PartitionFeeder f = feeder;
        return f == null ? 0 : f.ownedPartitions();
    }

    @Override
    public int partitions()
    {
        return partitions;
    }
}
