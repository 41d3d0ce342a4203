package io.dispatch.client.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the import's problem rows go: each as {@code line N: skipped|rejected: problem} to stderr (the first
 * {@link #STDERR_LIMIT}, so a broken file does not bury the progress) and, when given, every one to the
 * errors file. Keeps the counts and the first line numbers for the summary.
 * <p>
 * <b>Note:</b> not thread-safe; the import's main thread owns it.
 */
final class ImportReport implements Closeable
{
    static final int STDERR_LIMIT = 100;
    static final int SUMMARY_LINES = 20;

    private final PrintStream err;
    private final Writer errorsFile;
    private final ImportProgress progress;
    private final List<Long> skippedLines = new ArrayList<>();
    private final List<Long> rejectedLines = new ArrayList<>();
    private long skipped;
    private long rejected;
    private boolean errorsFileFailed;

    /** @param errorsFile every problem row, or null. */
    ImportReport(final PrintStream err, final Writer errorsFile, final ImportProgress progress)
    {
        this.err = err;
        this.errorsFile = errorsFile;
        this.progress = progress;
    }

    /** A row found bad before sending: never sent. */
    void skipped(final long line, final String problem)
    {
        skipped++;
        sample(skippedLines, line);
        print(line, "skipped", problem);
    }

    /** A row the engine rejected: not applied. */
    void rejected(final long line, final String problem)
    {
        rejected++;
        sample(rejectedLines, line);
        print(line, "rejected", problem);
    }

    long skippedCount()
    {
        return skipped;
    }

    long rejectedCount()
    {
        return rejected;
    }

    /** @return {@code lines 3, 17, 240} or with {@code , ...} when there are more than the sample. */
    String skippedLines()
    {
        return lines(skippedLines, skipped);
    }

    String rejectedLines()
    {
        return lines(rejectedLines, rejected);
    }

    boolean hasErrorsFile()
    {
        return errorsFile != null;
    }

    private void print(final long line, final String what, final String problem)
    {
        final String text = "line " + line + ": " + what + ": " + problem;
        if (skipped + rejected <= STDERR_LIMIT)
        {
            progress.clear();
            err.println(text);
            if (skipped + rejected == STDERR_LIMIT)
            {
                err.println("(more problem rows are counted, not shown" +
                    (errorsFile != null ? "; all are in the errors file)" : "; use --errors FILE to keep them all)"));
            }
        }
        if (errorsFile != null && !errorsFileFailed)
        {
            try
            {
                errorsFile.write(text);
                errorsFile.write('\n');
            }
            catch (final IOException ex)
            {
                // Losing the errors file must not lose the import: say so once and keep counting.
                errorsFileFailed = true;
                progress.clear();
                err.println("cannot write the errors file (" + ex.getMessage() + "); problem rows are still counted");
            }
        }
    }

    private static void sample(final List<Long> lines, final long line)
    {
        if (lines.size() < SUMMARY_LINES)
        {
            lines.add(line);
        }
    }

    private static String lines(final List<Long> sample, final long total)
    {
        final StringBuilder sb = new StringBuilder(sample.size() == 1 ? "line " : "lines ");
        for (int i = 0; i < sample.size(); i++)
        {
            sb.append(i == 0 ? "" : ", ").append(sample.get(i));
        }
        return total > sample.size() ? sb.append(", ...").toString() : sb.toString();
    }

    @Override
    public void close() throws IOException
    {
        if (errorsFile != null)
        {
            errorsFile.close();
        }
    }
}
