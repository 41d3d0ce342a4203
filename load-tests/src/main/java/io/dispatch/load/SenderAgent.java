package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

/**
 * The open-loop sender of one connection. Each {@link #doWork()} sends every message whose intended
 * time has come (up to {@link #MAX_BURST}), however far behind the schedule it is: the backlog goes
 * out at once and nothing is ever skipped, so a stall shows up as latency of the queued messages
 * (measured from their intended times) rather than as a quietly lower rate.
 * Only messages intended before the window's end are sent; a sender still behind at the end gets
 * {@link #END_GRACE_NS} to flush them, and what remains is reported as unsent.
 * <p>
 * <b>Threading:</b> single-threaded; driven by {@link PacedRunner} (or directly by tests).
 */
public final class SenderAgent
{
    /** Bounds one call so the runner can notice the end of the run while catching up a backlog. */
    public static final int MAX_BURST = 256;
    /**
     * How long after the window's end a late sender may still send messages intended before it. Covers
     * timer overshoot at the end (which would otherwise leave a few messages unsent every run) while
     * keeping the run bounded; what is still due after it is reported as unsent.
     */
    public static final long END_GRACE_NS = 1_000_000_000L;

    private final int connection;
    private final OpenLoopSchedule schedule;
    private final NanoClock clock;
    private final SubmitSink sink;
    private final InFlightRing ring;
    private final ConnectionTracker tracker;
    private long seq;
    private boolean stopped;
    private volatile boolean failed;

    public SenderAgent(
        final int connection,
        final OpenLoopSchedule schedule,
        final NanoClock clock,
        final SubmitSink sink,
        final InFlightRing ring,
        final ConnectionTracker tracker)
    {
        this.connection = connection;
        this.schedule = schedule;
        this.clock = clock;
        this.sink = sink;
        this.ring = ring;
        this.tracker = tracker;
    }

    /** @return the number of messages sent by this call; 0 when nothing is due (or the run is over). */
    public int doWork()
    {
        if (stopped)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs >= schedule.window().endNs() + END_GRACE_NS)
        {
            stopped = true;
            return 0;
        }
        int sent = 0;
        while (sent < MAX_BURST && schedule.isScheduled(connection, seq))
        {
            final long intendedNs = schedule.intendedNs(connection, seq);
            if (intendedNs > nowNs)
            {
                return sent;
            }
            final InFlightSubmit listener = ring.arm(seq, intendedNs);
            tracker.onSubmitting(intendedNs);
            if (!sink.submit(schedule.globalIndex(connection, seq), listener))
            {
                listener.cancel();
                tracker.onSubmitFailed(intendedNs);
                stopped = true;
                failed = true;
                return sent;
            }
            seq++;
            sent++;
        }
        if (!schedule.isScheduled(connection, seq))
        {
            stopped = true;
        }
        return sent;
    }

    /** @return when the next message is due; meaningless once {@link #isDone()}. */
    public long nextIntendedNs()
    {
        return schedule.intendedNs(connection, seq);
    }

    /** @return true when the run is over for this connection (end reached, schedule exhausted or failed). */
    public boolean isDone()
    {
        return stopped;
    }

    /** @return true when the sink refused a message (the connection broke). */
    public boolean hasFailed()
    {
        return failed;
    }

    /** @return messages handed to the sink so far. */
    public long sent()
    {
        return seq;
    }

    public int connection()
    {
        return connection;
    }
}
