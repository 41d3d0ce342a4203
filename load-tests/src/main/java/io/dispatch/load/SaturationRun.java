package io.dispatch.load;

import io.dispatch.load.scenario.SaturationSpec;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Saturation mode: runs the scenario at rising total rates, one short {@link LoadTest} per step (fresh
 * connections, its own warm-up, drained before the next step so one step's backlog never pollutes the
 * next), checks each against the SLO and reports the highest rate that met it. Stops early once the SLO
 * is clearly broken: a step missing it by {@link SaturationSpec#CLEARLY_BROKEN_FACTOR}x or more, or
 * {@link SaturationSpec#FAILED_STEPS_TO_STOP} failing steps in a row. Each step's full report lands in
 * {@code OUT/step-NN-RATE/}; the sweep in {@code OUT/report.json} and {@code OUT/report.html}.
 * <p>
 * <b>Threading:</b> the caller's thread.
 */
public final class SaturationRun
{
    private final LoadTestConfig config;
    private final Path outDir;
    private final PrintStream out;
    private final NanoClock clock;

    public SaturationRun(final LoadTestConfig config, final Path outDir, final PrintStream out, final NanoClock clock)
    {
        this.config = config;
        this.outDir = outDir;
        this.out = out;
        this.clock = clock;
    }

    /** @throws LoadTestException when the engine cannot be reached or the output cannot be written. */
    public SaturationReport run() throws LoadTestException
    {
        final SaturationSpec spec = config.saturation();
        out.println("loadtest: saturation " + spec + ", SLO " + config.slo());
        final List<SaturationReport.Step> steps = new ArrayList<>();
        String stopReason = null;
        int failedInARow = 0;
        for (int i = 0; i < spec.steps(); i++)
        {
            final double rate = spec.rateOfStep(i);
            final Path dir = outDir.resolve(String.format(Locale.ROOT, "step-%02d-%d", i + 1, Math.round(rate)));
            final LoadTestConfig stepConfig = config.forStep(rate, spec.warmupS(), spec.stepDurationS(), dir);
            out.printf(Locale.ROOT, "loadtest: saturation step %d/%d at %.0f msg/s%n", i + 1, spec.steps(), rate);
            final RunReport report = new LoadTest(stepConfig, dir, out, clock).run();
            final SloCheck check = SloCheck.evaluate(config.slo(), report);
            final SaturationReport.Step step = new SaturationReport.Step(rate, report, check, outDir.relativize(dir));
            steps.add(step);
            out.printf(Locale.ROOT, "loadtest: saturation step %d at %.0f msg/s: throughput %.1f/s, ack p99 %s, " +
                "p99.9 %s; SLO %s%n", i + 1, rate, report.throughputPerS, percentile(report, 99),
                percentile(report, 99.9), check.summary());
            if (check.met())
            {
                failedInARow = 0;
                continue;
            }
            failedInARow++;
            if (check.worstRatio() >= SaturationSpec.CLEARLY_BROKEN_FACTOR)
            {
                stopReason = String.format(Locale.ROOT, "SLO missed by %s at %.0f msg/s",
                    Double.isInfinite(check.worstRatio()) ? "lost messages" :
                        String.format(Locale.ROOT, "%.1fx", check.worstRatio()), rate);
                break;
            }
            if (failedInARow >= SaturationSpec.FAILED_STEPS_TO_STOP)
            {
                stopReason = failedInARow + " steps in a row missed the SLO";
                break;
            }
        }
        final SaturationReport result = new SaturationReport(config, steps, stopReason);
        try
        {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve(ReportWriter.JSON_FILE), result.toJson() + "\n");
            Files.writeString(outDir.resolve(ReportWriter.HTML_FILE), result.toHtml());
        }
        catch (final IOException ex)
        {
            throw new LoadTestException("cannot write the saturation report to " + outDir + ": " + ex, ex);
        }
        return result;
    }

    private static String percentile(final RunReport r, final double p)
    {
        return r.ackLatencyUs.getTotalCount() == 0 ? "-" :
            ProgressLine.formatMicros(r.ackLatencyUs.getValueAtPercentile(p));
    }
}
