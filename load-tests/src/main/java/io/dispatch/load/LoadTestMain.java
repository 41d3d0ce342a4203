package io.dispatch.load;

import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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

    /** Slack on top of connect + warm-up + duration + drain + close before the watchdog fires. */
    static final long WATCHDOG_SLACK_MS = 30_000;

    private LoadTestMain()
    {
    }

    public static void main(final String[] args)
    {
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
        final LoadTestConfig config;
        try
        {
            config = ArgsParser.parse(args);
        }
        catch (final UsageException ex)
        {
            err.println("loadtest: " + ex.getMessage());
            return EXIT_USAGE;
        }
        final Path outDir = config.outDir() != null ? config.outDir() : defaultOutDir();
        final Thread watchdog = startWatchdog(config, err);
        try
        {
            final RunReport report = new LoadTest(config, outDir, out, SystemNanoClock.INSTANCE).run();
            printSummary(report, outDir, out);
            if (report.failedConnections > 0)
            {
                err.println("loadtest: " + report.failedConnections + " connection(s) failed during the run");
                return EXIT_FAILED;
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
            watchdog.interrupt();
        }
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
        out.println("loadtest: wrote " + outDir.resolve(ReportWriter.JSON_FILE) + ", " + ReportWriter.TEXT_FILE +
            ", " + LoadTest.ACK_LOG + ", " + LoadTest.E2E_LOG);
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
        final long limitMs = LoadTest.CONNECT_TIMEOUT_MS + LoadTest.SUBSCRIBE_TIMEOUT_MS +
            TimeUnit.SECONDS.toMillis(config.warmupS() + config.durationS()) +
            TimeUnit.NANOSECONDS.toMillis(LoadTest.DRAIN_TIMEOUT_NS) + LoadTest.CLOSE_TIMEOUT_MS + WATCHDOG_SLACK_MS;
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
