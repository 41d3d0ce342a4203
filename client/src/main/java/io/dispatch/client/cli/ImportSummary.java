package io.dispatch.client.cli;

import java.util.Locale;

/**
 * The outcome of an import run.
 *
 * @param rowsRead  records read (blank lines not counted).
 * @param applied   rows the engine applied (with {@code --check}: rows that would be sent).
 * @param rejected  rows the engine rejected.
 * @param skipped   bad rows found before sending.
 * @param elapsedNs wall time of the run.
 * @param failure   null, or why the import stopped early.
 */
record ImportSummary(long rowsRead, long applied, long rejected, long skipped, long elapsedNs, String failure)
{
    boolean clean()
    {
        return rejected == 0 && skipped == 0 && failure == null;
    }

    /** @return the multi-line summary printed at the end of an import. */
    String format(final String file, final boolean check, final ImportReport report)
    {
        final double seconds = Math.max(elapsedNs, 1) / 1e9;
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %s: %,d rows read in %s (%,d rows/s)%n",
            check ? "check of" : "import of", file, rowsRead, ImportProgress.duration(elapsedNs), (long)(rowsRead / seconds)));
        sb.append(String.format(Locale.ROOT, "  %-9s %,d%n", check ? "valid" : "applied", applied));
        if (!check)
        {
            sb.append(String.format(Locale.ROOT, "  %-9s %,d%s%n", "rejected", rejected,
                rejected == 0 ? "" : " by the engine (" + report.rejectedLines() + ")"));
        }
        sb.append(String.format(Locale.ROOT, "  %-9s %,d%s%n", "skipped", skipped,
            skipped == 0 ? "" : " bad rows (" + report.skippedLines() + ")"));
        if (failure != null)
        {
            sb.append("  stopped: ").append(failure).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
