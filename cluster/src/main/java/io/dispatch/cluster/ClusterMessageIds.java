package io.dispatch.cluster;

/**
 * The message id a client gets in cluster mode: where Kafka stored the message, so it is unique across nodes
 * without coordination and names the partition (hence the owning node) by itself.
 * <pre>
 *   bit 62: 1 (a cluster id; a node's own journal indexes stay far below it)
 *   bits 44..61: partition (up to 262,143)
 *   bits 0..43: offset in the partition (up to 1.7e13 messages per partition)
 * </pre>
 */
public final class ClusterMessageIds
{
    static final long CLUSTER_BIT = 1L << 62;
    static final int PARTITION_SHIFT = 44;
    static final long OFFSET_MASK = (1L << PARTITION_SHIFT) - 1;
    static final int MAX_PARTITIONS = 1 << (62 - PARTITION_SHIFT);

    private ClusterMessageIds()
    {
    }

    public static long of(final int partition, final long offset)
    {
        if (partition < 0 || partition >= MAX_PARTITIONS || offset < 0 || offset > OFFSET_MASK)
        {
            throw new IllegalArgumentException("partition " + partition + " offset " + offset + " outside the id space");
        }
        return CLUSTER_BIT | (long)partition << PARTITION_SHIFT | offset;
    }

    public static boolean isClusterId(final long id)
    {
        return (id & CLUSTER_BIT) != 0 && id > 0;
    }

    public static int partition(final long id)
    {
        return (int)((id & ~CLUSTER_BIT) >>> PARTITION_SHIFT);
    }

    public static long offset(final long id)
    {
        return id & OFFSET_MASK;
    }
}
