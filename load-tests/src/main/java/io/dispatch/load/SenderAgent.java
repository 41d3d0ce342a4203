package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

import java.util.Arrays;

/**
 * The open-loop sender of one connection, over the one or more streams it carries (each with its own
 * {@link OpenLoopSchedule}, in which this connection has a slot: see {@link ConnectionPlan}). Each
 * {@link #doWork()} sends every message whose intended time has come
 * (up to {@link #MAX_BURST}), earliest first across streams, however far behind the schedule it is: the
 * backlog goes out at once and nothing is ever skipped, so a stall shows up as latency of the queued
 * messages (measured from their intended times) rather than as a quietly lower rate.
 * Only messages intended before the window's end are sent; a sender still behind at the end gets
 * {@link #END_GRACE_NS} to flush them, and what remains is reported as unsent.
 * <p>
 * Allocation-free per message: the next intended time of each stream is cached in an array and the
 * message itself comes pre-built from the sink's catalog.
 * <p>
 * <b>Threading:</b> {@link #doWork()} from one thread at a time: the connection's event loop, through
 * {@link LoopSender} (or directly by tests); {@link #isDone()} and {@link #hasFailed()} from any thread.
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
    private static final long NONE = Long.MAX_VALUE;

    private final int connection;
    private final OpenLoopSchedule[] schedules;
    private final int[] slots;
    private final int[] streams;
    private final int[] classes;
    private final long endNs;
    private final NanoClock clock;
    private final SubmitSink sink;
    private final InFlightRing ring;
    private final ConnectionTracker tracker;
    private final long[] streamSeq;
    /** Intended time of each stream's next message, {@link #NONE} once the stream is exhausted. */
    private final long[] nextNs;
    private long seq;
    /** Volatile: the reporter and the pacer read it from their threads. */
    private volatile boolean stopped;
    private volatile boolean failed;

    /** One stream of informational messages (tests and simple runs). */
    public SenderAgent(
        final int connection,
        final OpenLoopSchedule schedule,
        final NanoClock clock,
        final SubmitSink sink,
        final InFlightRing ring,
        final ConnectionTracker tracker)
    {
        this(connection, new OpenLoopSchedule[] {schedule}, new int[] {0}, clock, sink, ring, tracker);
    }

    /** Every stream on every connection of the run: this connection is slot {@code connection} of each. */
    public SenderAgent(
        final int connection,
        final OpenLoopSchedule[] schedules,
        final int[] classes,
        final NanoClock clock,
        final SubmitSink sink,
        final InFlightRing ring,
        final ConnectionTracker tracker)
    {
        this(connection, schedules, filled(schedules.length, connection), identity(schedules.length), classes, clock,
            sink, ring, tracker);
    }

    /**
     * @param schedules the schedules of the streams this connection carries, all on the same window.
     * @param slots     this connection's index in each schedule ({@link ConnectionPlan#slot}).
     * @param streams   each schedule's stream index in the run, passed to the sink.
     * @param classes   the {@link MessageClasses} index of each stream's messages.
     */
    public SenderAgent(
        final int connection,
        final OpenLoopSchedule[] schedules,
        final int[] slots,
        final int[] streams,
        final int[] classes,
        final NanoClock clock,
        final SubmitSink sink,
        final InFlightRing ring,
        final ConnectionTracker tracker)
    {
        if (schedules.length == 0 || schedules.length != classes.length || schedules.length != slots.length ||
            schedules.length != streams.length)
        {
            throw new IllegalArgumentException("one slot, stream and class per schedule, at least one schedule");
        }
        this.connection = connection;
        this.schedules = schedules.clone();
        this.slots = slots.clone();
        this.streams = streams.clone();
        this.classes = classes.clone();
        this.endNs = schedules[0].window().endNs();
        this.clock = clock;
        this.sink = sink;
        this.ring = ring;
        this.tracker = tracker;
        this.streamSeq = new long[schedules.length];
        this.nextNs = new long[schedules.length];
        for (int s = 0; s < schedules.length; s++)
        {
            nextNs[s] = next(s);
        }
        // A connection with no share of any schedule (fewer messages than connections) is done at once: the
        // pacer never wakes it, since it has nothing due.
        stopped = earliestStream() < 0;
    }

    private static int[] filled(final int length, final int value)
    {
        final int[] a = new int[length];
        Arrays.fill(a, value);
        return a;
    }

    private static int[] identity(final int length)
    {
        final int[] a = new int[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = i;
        }
        return a;
    }

    private long next(final int stream)
    {
        final OpenLoopSchedule schedule = schedules[stream];
        return schedule.isScheduled(slots[stream], streamSeq[stream]) ?
            schedule.intendedNs(slots[stream], streamSeq[stream]) : NONE;
    }

    /** @return the stream whose next message is due first, or -1 when every stream is exhausted. */
    private int earliestStream()
    {
        int best = -1;
        long bestNs = NONE;
        for (int s = 0; s < nextNs.length; s++)
        {
            if (nextNs[s] < bestNs)
            {
                bestNs = nextNs[s];
                best = s;
            }
        }
        return best;
    }

    /** @return the number of messages sent by this call; 0 when nothing is due (or the run is over). */
    public int doWork()
    {
        if (stopped)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs >= endNs + END_GRACE_NS)
        {
            stopped = true;
            return 0;
        }
        int sent = 0;
        int stream;
        while (sent < MAX_BURST && (stream = earliestStream()) >= 0)
        {
            final long intendedNs = nextNs[stream];
            if (intendedNs > nowNs)
            {
                return sent;
            }
            final InFlightSubmit listener = ring.arm(seq, intendedNs, classes[stream]);
            tracker.onSubmitting(intendedNs);
            final long streamIndex = schedules[stream].globalIndex(slots[stream], streamSeq[stream]);
            if (!sink.submit(streams[stream], streamIndex, listener))
            {
                listener.cancel();
                tracker.onSubmitFailed(intendedNs);
                stopped = true;
                failed = true;
                return sent;
            }
            streamSeq[stream]++;
            nextNs[stream] = next(stream);
            seq++;
            sent++;
        }
        if (earliestStream() < 0)
        {
            stopped = true;
        }
        return sent;
    }

    /** @return when the next message is due; meaningless once {@link #isDone()}. */
    public long nextIntendedNs()
    {
        final int stream = earliestStream();
        return stream < 0 ? NONE : nextNs[stream];
    }

    /**
     * @return the intended time of this connection's first message (any stream) intended after
     * {@code timeNs}, or {@link Long#MAX_VALUE} when none is left; from the immutable schedules only, so any
     * thread may ask.
     */
    public long nextIntendedAfter(final long timeNs)
    {
        long earliest = NONE;
        for (int s = 0; s < schedules.length; s++)
        {
            earliest = Math.min(earliest, schedules[s].nextIntendedAfter(slots[s], timeNs));
        }
        return earliest;
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
