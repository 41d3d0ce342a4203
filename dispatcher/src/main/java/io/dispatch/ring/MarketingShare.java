package io.dispatch.ring;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The ring slots clients' marketing SUBMITs may hold between ingest and the ACK ({@code ring.marketingSlots}). The
 * ring is one FIFO for every class, so whatever marketing holds in it is queued ahead of the next OTP; bounding it
 * bounds that wait to a few milliseconds of the ring's work, however hard a bulk client pushes. A marketing SUBMIT
 * that finds the share taken waits on its connection like one that finds the ring full; informational and auth
 * SUBMITs never look at it (docs/design/class-isolation.md).
 * <p>
 * <b>Threading:</b> {@link #tryTake} from the ingest event loops (an atomic increment each, so with several event
 * loops the share may be exceeded by at most one slot per loop); {@link #release} from the ack stage once per batch, and
 * from the ring's exception handler for an event whose stage threw before the ack stage saw it.
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

    /** Ingest: gives back a slot taken for a SUBMIT that was not published after all. */
    public void untake()
    {
        taken.decrementAndGet();
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

    /** @return the share, {@link Long#MAX_VALUE} when unlimited. */
    public long slots()
    {
        return slots;
    }
}
