package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link SenderAgent} on its own thread: when nothing is due it parks until the next intended
 * time (never spins: the build machine has 2 cores). Oversleeping is harmless for the measurement: the
 * late messages are sent at once on wake-up and their latency counts from their intended times.
 * <p>
 * <b>Threading:</b> {@link #run()} on the sender thread; {@link #requestStop()} from any thread.
 */
public final class PacedRunner implements Runnable
{
    /** Longest single park, so a stop request is noticed promptly. */
    static final long MAX_PARK_NS = 10_000_000L;
    /**
     * Shortest park: at high rates the next message is due within microseconds, and waking a thread per
     * message costs more CPU than the engine spends on it. Messages that fall due meanwhile go out in one
     * burst on wake-up, timed from their intended times, so the measurement stays honest; the price is
     * up to this much added latency, visible in the low percentiles.
     */
    static final long MIN_PARK_NS = 200_000L;

    private final SenderAgent agent;
    private final NanoClock clock;
    private volatile boolean stopRequested;

    public PacedRunner(final SenderAgent agent, final NanoClock clock)
    {
        this.agent = agent;
        this.clock = clock;
    }

    @Override
    public void run()
    {
        while (!stopRequested && !agent.isDone())
        {
            if (agent.doWork() == 0 && !agent.isDone())
            {
                final long waitNs = agent.nextIntendedNs() - clock.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(this, Math.max(MIN_PARK_NS, Math.min(waitNs, MAX_PARK_NS)));
                }
            }
        }
    }

    public void requestStop()
    {
        stopRequested = true;
    }

    public SenderAgent agent()
    {
        return agent;
    }
}
