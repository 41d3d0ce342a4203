package io.dispatch.load;

import org.agrona.concurrent.NanoClock;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The reporter loop of a run: once a second, collects the interval histograms (into the interval logs)
 * and prints a progress line; when every sender has finished, drains until every message is answered
 * and receipted, or {@link LoadTest#DRAIN_TIMEOUT_NS}, then collects the last partial interval.
 * <p>
 * <b>Threading:</b> runs on the run's main thread; reads counters the other threads write.
 */
public final class ProgressReporter
{
    static final long TICK_NS = TimeUnit.SECONDS.toNanos(1);
    static final long DRAIN_POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final List<OpenLoopSchedule> schedules;
    private final RunWindow window;
    private final int[] classesShown;
    private final Timeline timeline = new Timeline();
    private final List<ConnectionTracker> trackers;
    private final IntervalCollector collector;
    private final List<LoopSender> senders;
    private final boolean receiptsOn;
    private final NanoClock clock;
    private final PrintStream out;

    public ProgressReporter(
        final OpenLoopSchedule schedule,
        final List<ConnectionTracker> trackers,
        final IntervalCollector collector,
        final List<LoopSender> senders,
        final boolean receiptsOn,
        final NanoClock clock,
        final PrintStream out)
    {
        this(List.of(schedule), new int[0], trackers, collector, senders, receiptsOn, clock, out);
    }

    /** @param classesShown the classes ({@link MessageClasses} indexes) to break down on the progress line. */
    public ProgressReporter(
        final List<OpenLoopSchedule> schedules,
        final int[] classesShown,
        final List<ConnectionTracker> trackers,
        final IntervalCollector collector,
        final List<LoopSender> senders,
        final boolean receiptsOn,
        final NanoClock clock,
        final PrintStream out)
    {
        this.schedules = schedules;
        this.window = schedules.get(0).window();
        this.classesShown = classesShown.clone();
        this.trackers = trackers;
        this.collector = collector;
        this.senders = senders;
        this.receiptsOn = receiptsOn;
        this.clock = clock;
        this.out = out;
    }

    /** @return how long the drain took, in seconds. */
    public double run()
    {
        long lastTickNs = window.startNs();
        long nextTickNs = window.startNs() + TICK_NS;
        long sendingEndNs = Long.MIN_VALUE;
        while (true)
        {
            final long nowNs = clock.nanoTime();
            if (nowNs >= nextTickNs)
            {
                emit(lastTickNs, nowNs, null);
                lastTickNs = nowNs;
                while (nextTickNs <= nowNs)
                {
                    nextTickNs += TICK_NS;
                }
            }
            long waitNs = nextTickNs - nowNs;
            // Senders finish by themselves: schedule exhausted, or the grace after the end is over.
            if (allDone())
            {
                if (sendingEndNs == Long.MIN_VALUE)
                {
                    sendingEndNs = nowNs;
                }
                if (drained() || nowNs - sendingEndNs >= LoadTest.DRAIN_TIMEOUT_NS)
                {
                    emit(lastTickNs, nowNs, "done");
                    return (nowNs - sendingEndNs) / 1e9;
                }
                waitNs = Math.min(waitNs, DRAIN_POLL_NS);
            }
            else
            {
                // Wake at the end of the window too, then poll until the senders have flushed.
                final long toEndNs = window.endNs() - nowNs;
                waitNs = Math.min(waitNs, toEndNs > 0 ? toEndNs : DRAIN_POLL_NS);
            }
            LockSupport.parkNanos(this, Math.max(1, Math.min(waitNs, MAX_PARK_NS)));
        }
    }

    private void emit(final long fromNs, final long toNs, final String label)
    {
        // Counters first, then the offered count: so a line never shows more sent than offered.
        final CounterTotals totals = CounterTotals.sum(trackers, CounterTotals.Phase.ALL);
        long receipts = 0;
        for (final ConnectionTracker t : trackers)
        {
            receipts += t.receipts();
        }
        long offered = 0;
        final long nowNs = clock.nanoTime();
        for (final OpenLoopSchedule s : schedules)
        {
            offered += s.dueBy(nowNs);
        }
        final double fromS = Math.max(0, fromNs - window.startNs()) / 1e9;
        final double toS = Math.max(0, toNs - window.startNs()) / 1e9;
        collector.collect(fromS, toS);
        timeline.add(toS, toS - fromS, offered, totals.acked, collector);
        final String phase = label != null ? label :
            toNs < window.warmupEndNs() ? "warmup" : toNs < window.endNs() ? "measure" : "drain";
        out.println(ProgressLine.format(
            Math.round((toNs - window.startNs()) / 1e9),
            phase,
            offered,
            totals,
            receipts,
            collector.ackInterval(),
            collector.e2eInterval()) + ProgressLine.classes(classesShown, collector));
    }

    public Timeline timeline()
    {
        return timeline;
    }

    private boolean allDone()
    {
        for (final LoopSender s : senders)
        {
            if (!s.isDone())
            {
                return false;
            }
        }
        return true;
    }

    /** @return true when every sent message has an outcome and (with receipts on) its completing receipt. */
    public boolean drained()
    {
        for (final ConnectionTracker t : trackers)
        {
            if (t.unanswered() > 0 || (receiptsOn && t.pendingE2e() > 0))
            {
                return false;
            }
        }
        return true;
    }
}
