package io.dispatch.util;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An agent loop's idle strategy that lets an unused agent cost (almost) nothing: after {@code dormantAfter} duty
 * cycles in a row without work (about a second under the lanes' backoff, whose parks reach 1 ms) it parks up to
 * {@link #DORMANT_PARK_NS} between cycles instead, until a producer calls {@link #wake()} or work turns up. An idle
 * lane of a channel nobody sends on used about 0.65 % of a CPU waking 1,000 times a second; it now wakes 100 times.
 * <p>
 * The agent announces that it sleeps and runs one more duty cycle before its first park, so whatever a producer
 * published before it saw the announcement is taken then. A producer's wake check is one volatile read; without a
 * fence after its own publication a message offered in the same instant the agent announces can miss the wake, and
 * then waits for the end of that park: at most {@link #DORMANT_PARK_NS}. Timers (retries, receipt deadlines) run at
 * most that much late on a dormant agent.
 * <p>
 * <b>Note:</b> {@link #idle(int)} on the agent thread only; {@link #wake()} from any thread.
 */
public final class DormantIdle
{
    public static final long DORMANT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final IdleStrategy active;
    private final int dormantAfter;
    private final long dormantParkNs;
    private volatile Thread sleeper;
    private int idleCycles;

    /**
     * @param active       the strategy while there is work or was recently.
     * @param dormantAfter idle duty cycles in a row before the agent goes dormant.
     */
    public DormantIdle(final IdleStrategy active, final int dormantAfter)
    {
        this(active, dormantAfter, DORMANT_PARK_NS);
    }

    /** @param dormantParkNs the longest park while dormant; tests make it long enough that only a wake ends it. */
    public DormantIdle(final IdleStrategy active, final int dormantAfter, final long dormantParkNs)
    {
        this.active = active;
        this.dormantAfter = dormantAfter;
        this.dormantParkNs = dormantParkNs;
    }

    /** Agent thread, after each duty cycle. @param work what the cycle did. */
    public void idle(final int work)
    {
        if (work > 0)
        {
            idleCycles = 0;
            if (sleeper != null)
            {
                sleeper = null;
            }
            active.idle(work);
        }
        else if (idleCycles < dormantAfter)
        {
            idleCycles++;
            active.idle(0);
        }
        else if (sleeper == null)
        {
            sleeper = Thread.currentThread(); // announced; the caller's next duty cycle sees what came before
        }
        else
        {
            LockSupport.parkNanos(this, dormantParkNs);
        }
    }

    /**
     * Any thread, after publishing work for the agent: ends its dormant park. The first waker also ends the dormant
     * spell, so the producers that follow before the agent runs (it may wait for a CPU) do not unpark it again.
     */
    public void wake()
    {
        final Thread t = sleeper;
        if (t != null)
        {
            sleeper = null;
            LockSupport.unpark(t);
        }
    }

    /** @return true while the agent parks {@link #DORMANT_PARK_NS} at a time. */
    public boolean isDormant()
    {
        return sleeper != null;
    }
}
