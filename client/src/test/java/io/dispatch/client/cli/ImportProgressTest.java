package io.dispatch.client.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ImportProgressTest
{
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void shouldRenderPercentRowsRateEtaAndBadRows()
    {
        assertThat(ImportProgress.render(4_520_000, 452, 1000, 12, TimeUnit.SECONDS.toNanos(53)))
            .isEqualTo(" 45.2% [##########--------------] 4,520,000/~10,000,000 rows, 85,283 rows/s, ETA 1:04, 12 bad");
        assertThat(ImportProgress.render(1000, 500, -1, 0, TimeUnit.SECONDS.toNanos(2)))
            .as("standard input: no total").isEqualTo("1,000 rows, 500 rows/s");
        assertThat(ImportProgress.duration(TimeUnit.SECONDS.toNanos(3723))).isEqualTo("1:02:03");
    }

    @Test
    void shouldRedrawTheBarAtMostFiveTimesASecond()
    {
        final ImportProgress progress = new ImportProgress(err, ImportProgress.Style.BAR, clock::get, 1000);
        for (int i = 1; i <= 100; i++)
        {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            progress.update(i, i * 10, 0);
        }
        final String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.split("\r", -1)).hasSize(1 + 5);
        assertThat(out).doesNotContain("\n");
        progress.clear();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("\r\u001b[K");
    }

    @Test
    void shouldPrintPlainLinesEveryTenSecondsWhenNotATerminal()
    {
        final ImportProgress progress = new ImportProgress(err, ImportProgress.Style.LINES, clock::get, -1);
        for (int i = 1; i <= 25; i++)
        {
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            progress.update(i * 100L, 0, 0);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
            "import: 1,000 rows, 100 rows/s" + System.lineSeparator() +
            "import: 2,000 rows, 100 rows/s" + System.lineSeparator());
    }
}
