package io.dispatch.load;

import io.dispatch.client.CampaignResult;
import io.dispatch.client.DispatchClient;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.load.scenario.StreamSpec;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.agrona.concurrent.NanoClock;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One load-test run against a live engine: connect, subscribe to receipts, send on the open-loop
 * schedule (one {@link PacedRunner} thread waking each connection's {@link LoopSender} on the connection's
 * own event loop), print progress and write interval logs
 * every second, stop at the end of the window, drain outstanding answers (bounded), write the reports.
 * Every wait is bounded, so a run always ends.
 * <p>
 * <b>Threading:</b> {@link #run()} on the caller's thread, which becomes the reporter; it starts the
 * pacing thread. Usable from tests as well as from {@link LoadTestMain}.
 */
public final class LoadTest
{
    /**
     * e2e ends at PROVIDER_ACCEPTED, or at a terminal state that comes instead (a failure, or a policy's
     * SUPPRESSED, or CANCELLED): DISPATCHED, RETRYING, DEFERRED and the later DELIVERED would only cost
     * bandwidth on both sides. A deferred message completes when it is finally accepted, so its e2e
     * latency includes the deferral.
     */
    static final int E2E_STATES = Frames.stateMask(DeliveryState.PROVIDER_ACCEPTED, DeliveryState.FAILED,
        DeliveryState.EXPIRED, DeliveryState.REJECTED, DeliveryState.SUPPRESSED, DeliveryState.CANCELLED);

    public static final long CONNECT_TIMEOUT_MS = 10_000;
    public static final long SUBSCRIBE_TIMEOUT_MS = 10_000;
    public static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    public static final long CLOSE_TIMEOUT_MS = 5_000;
    public static final String ACK_LOG = "ack.hlog";
    public static final String E2E_LOG = "e2e.hlog";
    static final String ACK_COMMENT = "ack latency (µs) from intended send time";
    static final String E2E_COMMENT =
        "end-to-end latency (µs) from intended send time to PROVIDER_ACCEPTED/terminal receipt";

    /** Lets the pacing thread start before the first intended send time. */
    static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long PACER_JOIN_MS = 2_000;
    /** In-flight listeners per connection before the ring starts allocating. */
    static final int IN_FLIGHT_SLOTS = 1 << 16;

    private final LoadTestConfig config;
    private final Path outDir;
    private final PrintStream out;
    private final NanoClock clock;

    public LoadTest(final LoadTestConfig config, final Path outDir, final PrintStream out, final NanoClock clock)
    {
        this.config = config;
        this.outDir = outDir;
        this.out = out;
        this.clock = clock;
    }

    /**
     * @return the report, already written to the output folder.
     * @throws LoadTestException when the engine cannot be reached or the output cannot be written.
     */
    public RunReport run() throws LoadTestException
    {
        out.println("loadtest: " + config);
        // Connect first: a run that cannot start leaves no empty output folder behind.
        try (ClientConnections connections = ClientConnections.open(config, CONNECT_TIMEOUT_MS))
        {
            createOutDir();
            out.println("loadtest: output in " + outDir);
            final RunReport report = runWith(connections);
            ReportWriter.write(report, outDir);
            return report;
        }
        catch (final IOException ex)
        {
            throw new LoadTestException("cannot write the report to " + outDir + ": " + ex, ex);
        }
    }

    private void createOutDir() throws LoadTestException
    {
        try
        {
            Files.createDirectories(outDir);
        }
        catch (final IOException ex)
        {
            throw new LoadTestException("cannot create output folder " + outDir + ": " + ex, ex);
        }
    }

    private RunReport runWith(final ClientConnections connections) throws IOException, LoadTestException
    {
        final List<DispatchClient> clients = connections.clients();
        final List<StreamSpec> streams = config.streams();
        final ConnectionPlan plan = config.connectionPlan();
        final MessageCatalog[] catalogs = new MessageCatalog[streams.size()];
        final int[] classes = new int[streams.size()];
        for (int s = 0; s < catalogs.length; s++)
        {
            catalogs[s] = new MessageCatalog(streams.get(s), config.seed(), s);
            classes[s] = catalogs[s].classIndex();
        }
        final List<TrackerReceiptListener> receiptListeners = new ArrayList<>();
        final boolean receiptsOn = subscribeReceipts(clients, receiptListeners);
        final EngineCampaign campaign = config.campaign() == null ? null :
            new EngineCampaign(config.campaign(), out, clock, System.currentTimeMillis());
        if (campaign != null)
        {
            campaign.loadDirectory(clients.get(0));
        }

        final EngineLatencyWindow engineWindow = EngineLatencyWindow.open(config.engineLatencyUrl(), clock, out);
        // The timeline starts only now, so connecting and subscribing never count as sender lag.
        final Instant startedAt = Instant.now();
        final RunWindow window = RunWindow.ofSeconds(
            clock.nanoTime() + START_DELAY_NS, config.warmupS(), config.durationS());
        final long startEpochMs = startedAt.toEpochMilli() + TimeUnit.NANOSECONDS.toMillis(START_DELAY_NS);
        if (campaign != null)
        {
            campaign.startAt(clients.get(0), window.startNs());
        }
        final OpenLoopSchedule[] schedules = new OpenLoopSchedule[streams.size()];
        for (int s = 0; s < schedules.length; s++)
        {
            schedules[s] = new OpenLoopSchedule(window, streams.get(s).profile(), plan.connectionsOf(s));
        }
        final List<ConnectionTracker> trackers = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++)
        {
            final ConnectionTracker tracker = new ConnectionTracker(i, window, clock);
            receiptListeners.get(i).attach(tracker);
            trackers.add(tracker);
        }

        final int[] runClasses = config.kinds().stream().mapToInt(MessageClasses::index).toArray();
        final List<HistogramLogWriter> logs = new ArrayList<>();
        final HistogramLogWriter[] ackClassLogs = new HistogramLogWriter[MessageClasses.COUNT];
        final HistogramLogWriter[] e2eClassLogs = new HistogramLogWriter[MessageClasses.COUNT];
        try
        {
            if (engineWindow != null)
            {
                engineWindow.start(window);
            }
            final HistogramLogWriter ackLog = openLog(logs, ACK_LOG, ACK_COMMENT, startEpochMs);
            final HistogramLogWriter e2eLog = openLog(logs, E2E_LOG, E2E_COMMENT, startEpochMs);
            for (final int c : runClasses)
            {
                ackClassLogs[c] = openLog(logs, classLog("ack", c), MessageClasses.name(c) + " " + ACK_COMMENT,
                    startEpochMs);
                e2eClassLogs[c] = openLog(logs, classLog("e2e", c), MessageClasses.name(c) + " " + E2E_COMMENT,
                    startEpochMs);
            }
            final IntervalCollector collector =
                new IntervalCollector(trackers, ackLog, e2eLog, ackClassLogs, e2eClassLogs);
            final List<LoopSender> senders = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++)
            {
                final ConnectionTracker tracker = trackers.get(i);
                senders.add(new LoopSender(sender(i, plan, schedules, classes, clients.get(i), catalogs, tracker),
                    connections.loop(i)));
            }
            final PacedRunner pacer = new PacedRunner(senders, clock);
            final Thread pacing = new Thread(pacer, "loadtest-pacer");
            pacing.setDaemon(true);
            pacing.start();

            final ProgressReporter reporter = new ProgressReporter(List.of(schedules),
                runClasses.length > 1 ? runClasses : new int[0], trackers, collector, senders, receiptsOn, clock, out);
            final double drainS = reporter.run();

            pacer.requestStop();
            join(pacing);
            ConnectionsReport.write(plan, trackers, connections, outDir);
            return buildReport(startedAt, window, schedules, classes, trackers, collector, senders, drainS,
                !reporter.drained(), reporter.timeline(), campaign == null ? null : campaign.stats(clients.get(0)),
                engineWindow == null ? null : engineWindow.finish());
        }
        finally
        {
            logs.forEach(HistogramLogWriter::close);
            if (engineWindow != null)
            {
                engineWindow.stop();
            }
        }
    }

    /** @return the sender of connection {@code c}, over the streams the plan gives it. */
    private SenderAgent sender(
        final int c,
        final ConnectionPlan plan,
        final OpenLoopSchedule[] schedules,
        final int[] classes,
        final DispatchClient client,
        final MessageCatalog[] catalogs,
        final ConnectionTracker tracker)
    {
        final int[] streams = plan.streamsOn(c);
        final OpenLoopSchedule[] carried = new OpenLoopSchedule[streams.length];
        final int[] slots = new int[streams.length];
        final int[] carriedClasses = new int[streams.length];
        for (int i = 0; i < streams.length; i++)
        {
            carried[i] = schedules[streams[i]];
            slots[i] = plan.slot(c, streams[i]);
            carriedClasses[i] = classes[streams[i]];
        }
        return new SenderAgent(c, carried, slots, streams, carriedClasses, clock,
            new ClientSubmitSink(c, client, catalogs, out), new InFlightRing(IN_FLIGHT_SLOTS, tracker), tracker);
    }

    /** @return e.g. {@code ack.marketing.hlog}. */
    public static String classLog(final String series, final int classIndex)
    {
        return series + "." + MessageClasses.name(classIndex) + ".hlog";
    }

    private boolean subscribeReceipts(
        final List<DispatchClient> clients, final List<TrackerReceiptListener> listeners)
    {
        final List<CompletableFuture<Void>> subscriptions = new ArrayList<>();
        for (final DispatchClient client : clients)
        {
            final TrackerReceiptListener listener = new TrackerReceiptListener();
            listeners.add(listener);
            subscriptions.add(client.subscribeReceipts(Frames.SCOPE_CONNECTION, E2E_STATES, listener));
        }
        try
        {
            CompletableFuture.allOf(subscriptions.toArray(new CompletableFuture<?>[0]))
                .get(SUBSCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            out.println("loadtest: WARNING receipt subscription failed, end-to-end latency will be empty (" +
                ClientConnections.describe(ex) + ")");
        }
        return false;
    }

    private HistogramLogWriter openLog(
        final List<HistogramLogWriter> opened, final String file, final String comment, final long startEpochMs)
        throws FileNotFoundException
    {
        final HistogramLogWriter w = new HistogramLogWriter(outDir.resolve(file).toFile());
        opened.add(w);
        w.outputLogFormatVersion();
        w.outputComment(comment + "; " + config);
        w.outputStartTime(startEpochMs);
        w.outputLegend();
        return w;
    }

    private void join(final Thread pacing)
    {
        try
        {
            pacing.join(PACER_JOIN_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private RunReport buildReport(
        final Instant startedAt,
        final RunWindow window,
        final OpenLoopSchedule[] schedules,
        final int[] classes,
        final List<ConnectionTracker> trackers,
        final IntervalCollector collector,
        final List<LoopSender> senders,
        final double drainS,
        final boolean drainTimedOut,
        final Timeline timeline,
        final CampaignResult campaignResult,
        final EngineLatency engineLatency)
    {
        long offered = 0;
        final long[] offeredByClass = new long[MessageClasses.COUNT];
        for (int s = 0; s < schedules.length; s++)
        {
            final long n = schedules[s].countBetween(window.warmupEndNs(), window.endNs());
            offered += n;
            offeredByClass[classes[s]] += n;
        }
        final Histogram[] ackByClass = new Histogram[MessageClasses.COUNT];
        final Histogram[] e2eByClass = new Histogram[MessageClasses.COUNT];
        for (int c = 0; c < MessageClasses.COUNT; c++)
        {
            ackByClass[c] = collector.ackClassTotal(c);
            e2eByClass[c] = collector.e2eClassTotal(c);
        }
        long receipts = 0;
        long receiptsDropped = 0;
        long acksInPeriod = 0;
        final Map<String, Long> byState = new LinkedHashMap<>();
        for (final ConnectionTracker t : trackers)
        {
            receipts += t.receipts();
            receiptsDropped += t.receiptsDropped();
            acksInPeriod += t.acksInMeasuredPeriod();
            for (final DeliveryState s : DeliveryState.values())
            {
                if (t.receipts(s) > 0)
                {
                    byState.merge(s.name(), t.receipts(s), Long::sum);
                }
            }
        }
        int failed = 0;
        for (final LoopSender s : senders)
        {
            failed += s.hasFailed() ? 1 : 0;
        }
        return RunReport.builder()
            .startedAt(startedAt)
            .config(config)
            .offered(offered)
            .offeredByClass(offeredByClass)
            .classLatency(ackByClass, e2eByClass)
            .timeline(timeline)
            .measured(CounterTotals.sum(trackers, CounterTotals.Phase.MEASURED))
            .warmup(CounterTotals.sum(trackers, CounterTotals.Phase.WARMUP))
            .receipts(receipts)
            .receiptsByState(byState)
            .receiptsDropped(receiptsDropped)
            .throughputPerS(acksInPeriod / (window.measuredNs() / 1e9))
            .ackLatencyUs(collector.ackTotal())
            .e2eLatencyUs(collector.e2eTotal())
            .drainS(drainS)
            .drainTimedOut(drainTimedOut)
            .failedConnections(failed)
            .campaign(campaignResult)
            .engineLatency(engineLatency)
            .build();
    }
}
