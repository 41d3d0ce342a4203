package io.dispatch.load;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the engine's {@code /latency} ({@code --engine-latency-url}) on the run's one-second ticks, on a thread of
 * its own so a slow answer never delays the senders or the progress line. The reading at the end of the warm-up (a
 * tick: warm-up is whole seconds) starts the measured window; {@link #finish()} takes the last one after the drain,
 * so the window holds the engine's side of every message of the measured period. A reading is as late as the
 * engine's answer (milliseconds; more on a starved machine): the report gives the times the two were taken. Each
 * pair of consecutive readings also gives that second's engine ack p99 for the report's timeline. Each reading costs
 * the engine's admin thread a few milliseconds; one that fails costs one console line (the first only) and that
 * point, never the run.
 * <p>
 * <b>Threading:</b> {@link #open}, {@link #start} and {@link #finish} on the run's main thread; the poller writes
 * the readings, which {@link #finish} reads after joining it.
 */
final class EngineLatencyWindow
{
    static final long TICK_NS = TimeUnit.SECONDS.toNanos(1);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long JOIN_MS = 2 * READ_TIMEOUT.toMillis() + 1_000;

    private final URI url;
    private final NanoClock clock;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(READ_TIMEOUT).build();
    private final Thread poller = new Thread(this::poll, "loadtest-engine-latency");
    private final List<EngineLatency.Point> timeline = new ArrayList<>();
    /** Set before the poller starts. */
    private RunWindow window;
    private volatile boolean stopping;
    private volatile EngineLatency.Snapshot windowStart;
    /** When the start reading was taken, seconds since the run's start. */
    private volatile double windowStartS = Double.NaN;
    private volatile boolean warned;
    /** Readings the poller took, failed ones included; written by the poller only. */
    private volatile long readings;

    private EngineLatencyWindow(final URI url, final NanoClock clock, final PrintStream out)
    {
        this.url = url;
        this.clock = clock;
        this.out = out;
        poller.setDaemon(true);
    }

    /**
     * Reads the engine once, before the run: an unreachable engine is reported before the run rather than after it,
     * and the first request's costs (connection, class loading, JIT) are not paid at the start of the window.
     *
     * @return the reader, or null when {@code url} is null (no engine figures asked for).
     */
    static EngineLatencyWindow open(final URI url, final NanoClock clock, final PrintStream out)
    {
        if (url == null)
        {
            return null;
        }
        final EngineLatencyWindow w = new EngineLatencyWindow(url, clock, out);
        w.read();
        return w;
    }

    /** Starts reading on the run's ticks. */
    void start(final RunWindow run)
    {
        window = run;
        poller.start();
    }

    /** Stops polling, takes the last reading and subtracts the first: the engine's figures for the measured period. */
    EngineLatency finish()
    {
        stop();
        final List<EngineLatency.Point> points;
        synchronized (timeline)
        {
            points = List.copyOf(timeline);
        }
        final EngineLatency.Snapshot end = read();
        return EngineLatency.between(windowStart, end, points)
            .readAt(windowStartS, (clock.nanoTime() - window.startNs()) / 1e9);
    }

    /** @return how many readings the poller took so far (tests wait on it). */
    long readings()
    {
        return readings;
    }

    /** Stops the poller (bounded wait); idempotent. */
    void stop()
    {
        stopping = true;
        LockSupport.unpark(poller);
        try
        {
            poller.join(JOIN_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void poll()
    {
        final long startTick = (window.warmupEndNs() - window.startNs()) / TICK_NS;
        EngineLatency.Snapshot previous = null;
        for (long tick = 0; !stopping; tick++)
        {
            // behind (a slow answer): skip to the tick due now, but never past the window's start unread
            final long due = Math.max(0, clock.nanoTime() - window.startNs()) / TICK_NS;
            tick = Math.max(tick, windowStart == null && tick <= startTick ? Math.min(due, startTick) : due);
            final long atNs = window.startNs() + tick * TICK_NS;
            for (long now = clock.nanoTime(); now < atNs && !stopping; now = clock.nanoTime())
            {
                LockSupport.parkNanos(this, Math.min(atNs - now, MAX_PARK_NS));
            }
            if (stopping)
            {
                return;
            }
            final EngineLatency.Snapshot s = read();
            readings++;
            if (tick == startTick)
            {
                windowStart = s;
                windowStartS = (clock.nanoTime() - window.startNs()) / 1e9;
            }
            if (previous != null && s != null)
            {
                final double endS = (clock.nanoTime() - window.startNs()) / 1e9;
                synchronized (timeline)
                {
                    timeline.add(new EngineLatency.Point(endS, ackP99(previous, s)));
                }
            }
            previous = s;
        }
    }

    /** @return per class, the ack p99 (ns) of the values recorded between two readings, -1 where none. */
    static long[] ackP99(final EngineLatency.Snapshot from, final EngineLatency.Snapshot to)
    {
        final long[] p99 = new long[MessageClasses.COUNT];
        for (int c = 0; c < p99.length; c++)
        {
            final String tag = EngineLatency.ACK + ";class=" + MessageClasses.name(c);
            final Histogram after = to.byTag().get(tag);
            p99[c] = -1;
            if (after != null)
            {
                final Histogram interval = after.copy();
                final Histogram before = from.byTag().get(tag);
                if (before != null)
                {
                    interval.subtract(before);
                }
                p99[c] = interval.getTotalCount() == 0 ? -1 : interval.getValueAtPercentile(99);
            }
        }
        return p99;
    }

    /** @return a reading, or null after printing (once) why not. */
    EngineLatency.Snapshot read()
    {
        try
        {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(READ_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200)
            {
                return EngineLatency.Snapshot.parse(r.body());
            }
            warn("answered HTTP " + r.statusCode() + " (an engine without /latency is older than this generator)");
        }
        catch (final IOException ex)
        {
            warn("cannot be read (" + ex + ")");
        }
        catch (final RuntimeException ex)
        {
            // HdrHistogram's decoders throw unchecked exceptions on a page that is not a histogram log
            warn("is not an HdrHistogram log (" + ex + ")");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void warn(final String problem)
    {
        if (!warned)
        {
            warned = true;
            out.println("loadtest: --engine-latency-url " + url + " " + problem +
                "; engine-side figures may be missing");
        }
    }
}
