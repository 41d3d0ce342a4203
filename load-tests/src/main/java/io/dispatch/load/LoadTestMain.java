package io.dispatch.load;

import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.dispatch.load.scenario.SaturationSpec;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Command-line entry of {@code scripts/loadtest}. Exit codes: 0 run completed and reported, 1 engine
 * unreachable, output not writable or a connection lost mid-run (report still written), 2 bad flags.
 * A watchdog ends the process if the run overruns its own bounds by a wide margin.
 * <p>
 * <b>Threading:</b> runs on the main thread.
 */
public final class LoadTestMain
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_SLO_MISSED = 3;

    /** Slack on top of connect + warm-up + duration + drain + close before the watchdog fires. */
    static final long WATCHDOG_SLACK_MS = 30_000;
    /** Allowance for starting and stopping an embedded engine (journal creation, recovery scan). */
    static final long EMBEDDED_START_MS = 30_000;

    private LoadTestMain()
    {
    }

    /** The generator's logging setup; named apart from the engine's logback.xml, which is on the classpath too. */
    static final String LOGBACK_CONFIG = "loadtest-logback.xml";

    public static void main(final String[] args)
    {
        if (System.getProperty("logback.configurationFile") == null)
        {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** @return the exit code. */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (ArgsParser.helpRequested(args))
        {
            out.println(ArgsParser.USAGE);
            return EXIT_OK;
        }
        final ArgsParser.ParsedArgs parsed;
        try
        {
            parsed = ArgsParser.parseRun(args);
        }
        catch (final UsageException ex)
        {
            err.println("loadtest: " + ex.getMessage());
            return EXIT_USAGE;
        }
        LoadTestConfig config = parsed.config;
        if (parsed.printEngineArgs)
        {
            out.print(config.engineArgs());
            return EXIT_OK;
        }
        final Path outDir = config.outDir() != null ? config.outDir() : defaultOutDir();
        final Thread watchdog = startWatchdog(config, err);
        EmbeddedEngine engine = null;
        try
        {
            if (config.engineMode() == LoadTestConfig.EngineMode.EMBEDDED)
            {
                engine = EmbeddedEngine.start(config.engineSettings(), out);
                config = config.withTarget("127.0.0.1", engine.port());
                if (config.engineLatencyUrl() == null && engine.latencyUrl() != null)
                {
                    config = config.withEngineLatencyUrl(engine.latencyUrl());
                }
            }
            else if (!config.engineSettings().isEmpty())
            {
                out.println("loadtest: NOTE the scenario's engine settings are not applied to an external engine; " +
                    "start it with: scripts/dispatcher " + config.engineArgs().replace('\n', ' ').trim());
            }
            if (config.saturation() != null)
            {
                return saturation(new SaturationRun(config, outDir, out, SystemNanoClock.INSTANCE).run(), outDir, out, err);
            }
            final RunReport report = new LoadTest(config, outDir, out, SystemNanoClock.INSTANCE).run();
            printSummary(report, outDir, out);
            if (report.failedConnections > 0)
            {
                err.println("loadtest: " + report.failedConnections + " connection(s) failed during the run");
                return EXIT_FAILED;
            }
            if (config.slo() != null)
            {
                final SloCheck check = SloCheck.evaluate(config.slo(), report);
                out.println("loadtest: SLO " + config.slo() + " " + check.summary());
                return check.met() ? EXIT_OK : EXIT_SLO_MISSED;
            }
            return EXIT_OK;
        }
        catch (final LoadTestException ex)
        {
            err.println("loadtest: " + ex.getMessage());
            return EXIT_FAILED;
        }
        finally
        {
            if (engine != null)
            {
                engine.close();
            }
            watchdog.interrupt();
        }
    }

    private static int saturation(final SaturationReport r, final Path outDir, final PrintStream out, final PrintStream err)
    {
        final double best = r.maxRateMeetingSlo();
        out.printf(Locale.ROOT, "loadtest: saturation: highest rate meeting the SLO: %s%s%n",
            Double.isNaN(best) ? "none" : String.format(Locale.ROOT, "%.0f msg/s", best),
            r.stopReason() == null ? "" : " (stopped early: " + r.stopReason() + ")");
        out.println("loadtest: wrote " + outDir.resolve(ReportWriter.JSON_FILE) + ", " + ReportWriter.HTML_FILE +
            " and one folder per step");
        if (Double.isNaN(best))
        {
            err.println("loadtest: no step met the SLO");
            return EXIT_SLO_MISSED;
        }
        return EXIT_OK;
    }

    static Path defaultOutDir()
    {
        return Path.of("loadtest-out", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private static void printSummary(final RunReport r, final Path outDir, final PrintStream out)
    {
        out.printf("loadtest: offered %d, sent %d, acked %d, rejected %d %s, client-failed %d %s, unsent %d, " +
            "unanswered %d%n",
            r.offered, r.measured.sent, r.measured.acked, r.measured.rejected, r.measured.rejectedByName(),
            r.measured.clientFailed, r.measured.clientFailedByName(), r.unsent(), r.unanswered());
        out.printf("loadtest: throughput %.1f/s (offered %.1f/s)%n", r.throughputPerS, r.config.rate());
        out.println("loadtest: ack " + percentiles(r.ackLatencyUs));
        out.println("loadtest: e2e " + percentiles(r.e2eLatencyUs) + " (completed " + r.measured.e2eCompleted +
            ", missing " + r.e2eMissing() + ")");
        if (r.config.kinds().size() > 1)
        {
            for (final io.dispatch.protocol.MessageKind kind : r.config.kinds())
            {
                final int c = MessageClasses.index(kind);
                out.println("loadtest: " + MessageClasses.name(c) + " ack " + percentiles(r.ackLatencyUs(c)) +
                    "; e2e " + percentiles(r.e2eLatencyUs(c)));
            }
        }
        out.println("loadtest: wrote " + outDir.resolve(ReportWriter.JSON_FILE) + ", " + ReportWriter.TEXT_FILE +
            ", " + ReportWriter.HTML_FILE + ", " + LoadTest.ACK_LOG + ", " + LoadTest.E2E_LOG + " and per-class .hlog");
    }

    private static String percentiles(final org.HdrHistogram.Histogram h)
    {
        if (h.getTotalCount() == 0)
        {
            return "no samples";
        }
        return "p50 " + ProgressLine.formatMicros(h.getValueAtPercentile(50)) +
            " p99 " + ProgressLine.formatMicros(h.getValueAtPercentile(99)) +
            " p99.9 " + ProgressLine.formatMicros(h.getValueAtPercentile(99.9)) +
            " max " + ProgressLine.formatMicros(h.getMaxValue()) +
            " (" + h.getTotalCount() + " samples)";
    }

    private static Thread startWatchdog(final LoadTestConfig config, final PrintStream err)
    {
        final long perRunMs = LoadTest.CONNECT_TIMEOUT_MS + LoadTest.SUBSCRIBE_TIMEOUT_MS +
            TimeUnit.NANOSECONDS.toMillis(LoadTest.DRAIN_TIMEOUT_NS) + LoadTest.CLOSE_TIMEOUT_MS;
        final long limitMs;
        if (config.saturation() != null)
        {
            final SaturationSpec s = config.saturation();
            limitMs = s.steps() * (perRunMs + TimeUnit.SECONDS.toMillis(s.warmupS() + s.stepDurationS())) +
                EMBEDDED_START_MS + WATCHDOG_SLACK_MS;
        }
        else
        {
            limitMs = perRunMs + TimeUnit.SECONDS.toMillis(config.warmupS() + config.durationS()) +
                EMBEDDED_START_MS + WATCHDOG_SLACK_MS;
        }
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(limitMs);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            err.println("loadtest: watchdog: run exceeded " + limitMs / 1000 + " s, exiting");
            // halt, not exit: a stuck shutdown hook must not keep the process alive.
            Runtime.getRuntime().halt(EXIT_FAILED);
        }, "loadtest-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
