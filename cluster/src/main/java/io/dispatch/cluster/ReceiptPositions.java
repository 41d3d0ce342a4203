package io.dispatch.cluster;

/**
 * The position a RECEIPT carries in cluster mode, and the {@code resumeAfter} a client hands back to any node. One
 * long cannot hold an offset of every status topic partition, so it names a checkpoint instead: a record on the
 * status topic's partition 0 ({@link ReceiptCheckpoints}) holding the segment of every partition that the receipt
 * came from, and the receipt's ordinal in that segment's fixed order (docs/design/cluster.md).
 * <pre>
 *   bit 63: 0 (a position is never negative)
 *   bit 62: 1 (a cluster position; a single-node journal position, index x 64 + ordinal, stays far below it)
 *   bits 22..61: the checkpoint's offset in status topic partition 0 (up to 1.1e12)
 *   bits 0..21: the receipt's ordinal among the segment's records (up to 4,194,303)
 * </pre>
 * Positions grow: a later checkpoint has a higher offset on the one partition, and ordinals grow within a segment,
 * so the client's "the highest position seen" is the last receipt it got, whichever nodes served it.
 */
final class ReceiptPositions
{
    static final long CLUSTER_BIT = 1L << 62;
    static final int ORDINAL_BITS = 22;
    static final int MAX_ORDINAL = (1 << ORDINAL_BITS) - 1;
    static final long MAX_CHECKPOINT = (1L << (62 - ORDINAL_BITS)) - 1;

    private ReceiptPositions()
    {
    }

    static long of(final long checkpointOffset, final int ordinal)
    {
        if (checkpointOffset < 0 || checkpointOffset > MAX_CHECKPOINT || ordinal < 0 || ordinal > MAX_ORDINAL)
        {
            throw new IllegalArgumentException("checkpoint " + checkpointOffset + " ordinal " + ordinal +
                " outside the position space");
        }
        return CLUSTER_BIT | checkpointOffset << ORDINAL_BITS | ordinal;
    }

    static long checkpoint(final long position)
    {
        return (position & ~CLUSTER_BIT) >>> ORDINAL_BITS;
    }

    static int ordinal(final long position)
    {
        return (int)(position & MAX_ORDINAL);
    }

    /** @return null when {@code position} is 0 (everything the status topic holds) or a cluster position, else why not. */
    static String problem(final long position)
    {
        if (position == 0 || position > 0 && (position & CLUSTER_BIT) != 0)
        {
            return null;
        }
        return "resumeAfter: " + position + " is not a receipt position of a cluster (a single-node engine's" +
            " journal position?); resume after a position a cluster node sent, or 0 for every receipt the status" +
            " topic holds";
    }
}
