package io.dispatch.ring;

import io.dispatch.status.PrometheusText;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The ring slots marketing may hold between its publication and the ack stage ({@code ring.marketingSlots}): clients'
 * marketing SUBMITs, a campaign's fan-out and deferred marketing coming due alike. The ring is one FIFO for every
 * class, so whatever marketing holds in it is queued ahead of the next OTP; bounding it bounds that wait to a few
 * milliseconds of the ring's work, however hard a bulk client or a campaign pushes. A marketing SUBMIT that finds the
 * share taken waits on its connection like one that finds the ring full, and the fan-out and the scheduler wait for
 * their next duty cycle; informational and auth never look at it (docs/design/class-isolation.md).
 * <p>
 * <b>Threading:</b> {@link #tryTake()} from the ingest event loops and the scheduler, {@link #tryTake(int)} from the
 * targeting thread (a read and an atomic add each, so with several takers the share may be exceeded by at most one
 * slot per taker); {@link #release} from the ack stage once per batch, and from the ring's exception handler for an
 * event whose stage threw before the ack stage saw it.
 */
public final class MarketingShare
{
    private final long slots;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong released = new AtomicLong();

    /** @param slots how many slots marketing may hold; 0 = no limit. */
    public MarketingShare(final int slots)
    {
        if (slots < 0)
        {
            throw new IllegalArgumentException("slots must be >= 0, got " + slots);
        }
        this.slots = slots == 0 ? Long.MAX_VALUE : slots;
    }

    /** Ingest: takes one slot of the share, or says there is none left. */
    public boolean tryTake()
    {
        if (taken.get() - released.get() >= slots)
        {
            return false;
        }
        taken.incrementAndGet();
        return true;
    }

    /**
     * Targeting: takes up to {@code wanted} slots for a batch of a campaign's messages.
     *
     * @return how many were taken, 0 when the share is full.
     */
    public int tryTake(final int wanted)
    {
        // read before a concurrent release can make it negative: clamped, so an unlimited share cannot overflow
        final long held = Math.max(0, taken.get() - released.get());
        if (held >= slots || wanted <= 0)
        {
            return 0;
        }
        final int n = (int)Math.min(slots - held, wanted);
        taken.addAndGet(n);
        return n;
    }

    /** Ingest: gives back a slot taken for a SUBMIT that was not published after all. */
    public void untake()
    {
        taken.decrementAndGet();
    }

    /** Targeting: gives back slots taken for a batch and not filled (the ring, the lane or the audience ran out). */
    public void untake(final int count)
    {
        if (count > 0)
        {
            taken.addAndGet(-count);
        }
    }

    /** Ack stage: the SUBMITs of this batch that held a slot have been answered. */
    public void release(final int count)
    {
        if (count > 0)
        {
            released.addAndGet(count);
        }
    }

    /** @return slots marketing holds now. */
    public long held()
    {
        return taken.get() - released.get();
    }

    /** {@code /metrics}: the slots held now, beside the share (the admin thread reads both counters). */
    public void appendPrometheus(final StringBuilder sb)
    {
        PrometheusText.family(sb, "dispatch_ring_marketing_held", "gauge",
            "ring slots marketing holds now: clients' SUBMITs, campaigns, due deferred marketing (ring.marketingSlots)");
        PrometheusText.sample(sb, "dispatch_ring_marketing_held", Math.max(0, held()));
    }

    /** @return the share, {@link Long#MAX_VALUE} when unlimited. */
    public long slots()
    {
        return slots;
    }
}
