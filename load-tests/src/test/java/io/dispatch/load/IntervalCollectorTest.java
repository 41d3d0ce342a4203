package io.dispatch.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalCollectorTest
{
    private static final long START = 1_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldMergeConnectionsPerIntervalAndWriteReadableIntervalLogs(@TempDir final File dir) throws Exception
    {
        final ManualClock clock = new ManualClock(START);
        final RunWindow window = RunWindow.ofSeconds(START, 0, 10);
        final ConnectionTracker a = new ConnectionTracker(0, window, clock);
        final ConnectionTracker b = new ConnectionTracker(1, window, clock);
        final File ackFile = new File(dir, "ack.hlog");
        final HistogramLogWriter ackLog = new HistogramLogWriter(ackFile);
        ackLog.outputLogFormatVersion();
        ackLog.outputStartTime(1_700_000_000_000L);
        ackLog.outputLegend();
        final IntervalCollector collector = new IntervalCollector(List.of(a, b), ackLog, null);

        clock.set(START + 2 * MS);
        a.onAck(START, 1, false);
        b.onAck(START + MS, 2, false);
        collector.collect(0, 1);
        assertThat(collector.ackInterval().getTotalCount()).isEqualTo(2);
        assertThat(collector.ackInterval().getMaxValue()).isEqualTo(2000);

        clock.set(START + 10 * MS);
        a.onAck(START + 5 * MS, 3, false);
        collector.collect(1, 2);
        assertThat(collector.ackInterval().getTotalCount()).isEqualTo(1);
        assertThat(collector.ackTotal().getTotalCount()).isEqualTo(3);
        assertThat(collector.e2eTotal().getTotalCount()).isZero();
        ackLog.close();

        final HistogramLogReader reader = new HistogramLogReader(ackFile);
        final Histogram first = (Histogram)reader.nextIntervalHistogram();
        final Histogram second = (Histogram)reader.nextIntervalHistogram();
        assertThat(reader.nextIntervalHistogram()).isNull();
        assertThat(first.getTotalCount()).isEqualTo(2);
        assertThat(second.getTotalCount()).isEqualTo(1);
        assertThat(second.valuesAreEquivalent(second.getMaxValue(), 5000)).isTrue();
    }
}
