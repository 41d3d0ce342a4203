package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.ring.DispatchEvent;

/** Lets an admin route answer only after the ring's stages (the journal stage among them) have taken its event. */
final class RingWait
{
    static final long WAIT_MS = 1_000;

    private RingWait()
    {
    }

    /**
     * Waits, at most {@link #WAIT_MS}, until every stage has passed {@code sequence}. A ring that does not get there
     * within that is stalled: the event is published and is applied and journaled in order once it moves.
     *
     * @return whether the stages passed it.
     */
    static boolean awaitProcessed(final RingBuffer<DispatchEvent> ring, final long sequence)
    {
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (ring.getMinimumGatingSequence() < sequence)
        {
            if (System.currentTimeMillis() > deadline)
            {
                return false;
            }
            try
            {
                // an operator's action, not traffic: a millisecond nap costs nothing here
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
