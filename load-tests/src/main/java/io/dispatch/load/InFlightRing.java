package io.dispatch.load;

/**
 * Pre-allocated {@link InFlightSubmit}s of one connection, used round-robin by sequence number. A slot
 * still in flight when its turn comes again (more than {@code capacity} unanswered submits) is
 * replaced by a new one; the old one finishes normally and is dropped.
 * <p>
 * <b>Threading:</b> {@link #arm} on the connection's event loop only (where its {@link LoopSender} runs).
 */
public final class InFlightRing
{
    private final InFlightSubmit[] slots;
    private final int mask;
    private final ConnectionTracker tracker;
    private long replaced;

    public InFlightRing(final int capacityPowerOfTwo, final ConnectionTracker tracker)
    {
        if (Integer.bitCount(capacityPowerOfTwo) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        this.slots = new InFlightSubmit[capacityPowerOfTwo];
        this.mask = capacityPowerOfTwo - 1;
        this.tracker = tracker;
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new InFlightSubmit(tracker);
        }
    }

    /** @return a listener armed with {@code intendedNs}, ready to pass to the client's submit. */
    public InFlightSubmit arm(final long seq, final long intendedNs)
    {
        return arm(seq, intendedNs, 0);
    }

    /** @return a listener armed with {@code intendedNs} and the message's class index. */
    public InFlightSubmit arm(final long seq, final long intendedNs, final int classIndex)
    {
        final int index = (int)(seq & mask);
        InFlightSubmit slot = slots[index];
        if (slot.isInFlight())
        {
            slot = new InFlightSubmit(tracker);
            slots[index] = slot;
            replaced++;
        }
        slot.arm(intendedNs, classIndex);
        return slot;
    }

    /** @return slots replaced because they were still in flight (allocation on the send path). */
    public long replaced()
    {
        return replaced;
    }
}
