package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The run's one pacing thread: parks until a connection's next message is due, then wakes that
 * connection's {@link LoopSender}, which sends everything due on the connection's own event loop. One
 * thread for every connection, and no spinning (the build machine has 2 cores): oversleeping is harmless
 * for the measurement, since the late messages are sent at once on wake-up and their latency counts from
 * their intended times.
 * <p>
 * When a connection is next due is a pure function of its schedules ({@link SenderAgent#nextIntendedAfter}),
 * so the pacer never reads the senders' state, and each wake covers every message intended up to then.
 * <p>
 * <b>Threading:</b> {@link #run()} on the pacing thread; {@link #requestStop()} from any thread.
 */
public final class PacedRunner implements Runnable
{
    /** Longest single park, so a stop request is noticed promptly. */
    static final long MAX_PARK_NS = 10_000_000L;
    /**
     * Shortest park: at high rates the next message is due within microseconds, and waking the event loops
     * per message costs more CPU than the engine spends on it. Messages that fall due meanwhile go out in
     * one burst on wake-up, timed from their intended times, so the measurement stays honest; the price is
     * up to this much added latency, visible in the low percentiles.
     */
    static final long MIN_PARK_NS = 200_000L;

    private final LoopSender[] senders;
    private final long[] nextWakeNs;
    private final NanoClock clock;
    private volatile boolean stopRequested;

    public PacedRunner(final List<LoopSender> senders, final NanoClock clock)
    {
        this.senders = senders.toArray(new LoopSender[0]);
        this.nextWakeNs = new long[this.senders.length];
        this.clock = clock;
        for (int i = 0; i < nextWakeNs.length; i++)
        {
            // Before any run, so the agents' state is read on the constructing thread only.
            nextWakeNs[i] = this.senders[i].agent().nextIntendedNs();
        }
    }

    @Override
    public void run()
    {
        while (!stopRequested)
        {
            final long nowNs = clock.nanoTime();
            long earliestNs = Long.MAX_VALUE;
            for (int i = 0; i < senders.length; i++)
            {
                final LoopSender sender = senders[i];
                if (sender.isDone())
                {
                    continue;
                }
                if (nextWakeNs[i] <= nowNs)
                {
                    sender.wake();
                    nextWakeNs[i] = sender.agent().nextIntendedAfter(nowNs);
                }
                earliestNs = Math.min(earliestNs, nextWakeNs[i]);
            }
            if (earliestNs == Long.MAX_VALUE)
            {
                // Every message is due and its connection woken: the senders finish on their loops.
                return;
            }
            LockSupport.parkNanos(this, Math.max(MIN_PARK_NS, Math.min(earliestNs - nowNs, MAX_PARK_NS)));
        }
    }

    public void requestStop()
    {
        stopRequested = true;
    }
}
