package io.dispatch.client.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The import's progress on stderr: on a terminal one bar redrawn in place at most {@link #BAR_INTERVAL_NS} apart;
 * otherwise (a log file, CI) a plain line every {@link #LINE_INTERVAL_NS}. The total is estimated from the file
 * size and the bytes read so far, so a 10M-row file needs no counting pass; standard input has no total.
 * <p>
 * <b>Note:</b> not thread-safe; the import's main thread owns it.
 */
final class ImportProgress
{
    enum Style
    {
        BAR, LINES, NONE
    }

    static final long BAR_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long LINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int BAR_WIDTH = 24;

    private final PrintStream err;
    private final Style style;
    private final LongSupplier nanoClock;
    private final long totalBytes;
    private final long startNs;
    private long lastDrawNs;
    private boolean barShown;

    /** @param totalBytes the file size, or -1 when unknown (standard input). */
    ImportProgress(final PrintStream err, final Style style, final LongSupplier nanoClock, final long totalBytes)
    {
        this.err = err;
        this.style = style;
        this.nanoClock = nanoClock;
        this.totalBytes = totalBytes;
        this.startNs = nanoClock.getAsLong();
        this.lastDrawNs = startNs;
    }

    long startNs()
    {
        return startNs;
    }

    /** Redraws when the interval has passed; cheap otherwise (one clock read). */
    void update(final long rowsDone, final long bytesRead, final long bad)
    {
        if (style == Style.NONE)
        {
            return;
        }
        final long now = nanoClock.getAsLong();
        if (now - lastDrawNs < (style == Style.BAR ? BAR_INTERVAL_NS : LINE_INTERVAL_NS))
        {
            return;
        }
        lastDrawNs = now;
        final String text = render(rowsDone, bytesRead, totalBytes, bad, now - startNs);
        if (style == Style.BAR)
        {
            err.print("\r" + text + "\u001b[K");
            barShown = true;
        }
        else
        {
            err.println("import: " + text);
        }
        err.flush();
    }

    /** Erases the bar so that another line (a bad row, the summary) can be printed. */
    void clear()
    {
        if (barShown)
        {
            err.print("\r\u001b[K");
            barShown = false;
        }
    }

    /**
     * @return e.g. {@code 45.2% [##########--------------] 4,520,000/~10,000,000 rows, 85,200 rows/s, ETA 1:04, 12 bad}
     */
    static String render(final long rows, final long bytesRead, final long totalBytes, final long bad, final long elapsedNs)
    {
        final StringBuilder sb = new StringBuilder(120);
        final double seconds = Math.max(elapsedNs, 1) / 1e9;
        final boolean known = totalBytes > 0 && bytesRead > 0;
        if (known)
        {
            final double fraction = Math.min(1.0, (double)bytesRead / totalBytes);
            final int filled = (int)(fraction * BAR_WIDTH);
            sb.append(String.format(Locale.ROOT, "%5.1f%% [", fraction * 100))
                .append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        }
        sb.append(String.format(Locale.ROOT, "%,d", rows));
        if (known)
        {
            sb.append(String.format(Locale.ROOT, "/~%,d", Math.max(rows, (long)((double)rows * totalBytes / bytesRead))));
        }
        sb.append(String.format(Locale.ROOT, " rows, %,d rows/s", (long)(rows / seconds)));
        if (known && bytesRead < totalBytes)
        {
            sb.append(", ETA ").append(duration((long)((totalBytes - bytesRead) / (bytesRead / seconds) * 1e9)));
        }
        if (bad > 0)
        {
            sb.append(String.format(Locale.ROOT, ", %,d bad", bad));
        }
        return sb.toString();
    }

    /** @return {@code 1:04}, {@code 12:00}, {@code 1:02:03}. */
    static String duration(final long ns)
    {
        final long s = TimeUnit.NANOSECONDS.toSeconds(ns);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) :
            String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
