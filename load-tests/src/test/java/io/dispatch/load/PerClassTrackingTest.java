package io.dispatch.load;

import io.dispatch.load.scenario.RateProfiles;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two streams of different classes on one connection, driven by a manual clock: nothing mixes. */
class PerClassTrackingTest
{
    private static final long START = 3_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int INFO = MessageClasses.index(MessageKind.INFORMATIONAL);
    private static final int PROMO = MessageClasses.index(MessageKind.MARKETING);

    private final ManualClock clock = new ManualClock(START);
    private final CapturingSink sink = new CapturingSink();
    private final RunWindow window = RunWindow.ofSeconds(START, 0, 1);
    private final ConnectionTracker tracker = new ConnectionTracker(0, window, clock);

    private SenderAgent agent()
    {
        // informational 1000/s all along; marketing 500/s from 10 ms on (the "campaign").
        final OpenLoopSchedule info = new OpenLoopSchedule(window, RateProfiles.parse("1000", 0, TimeUnit.SECONDS.toNanos(1)), 1);
        final OpenLoopSchedule promo = new OpenLoopSchedule(window,
            RateProfiles.parse("500", 10 * MS, TimeUnit.SECONDS.toNanos(1)), 1);
        return new SenderAgent(0, new OpenLoopSchedule[] {info, promo}, new int[] {INFO, PROMO}, clock, sink,
            new InFlightRing(64, tracker), tracker);
    }

    @Test
    void shouldSendBothStreamsInIntendedTimeOrderEachWithItsClass()
    {
        final SenderAgent agent = agent();

        clock.set(START + 14 * MS);
        agent.doWork();

        // info at 0..14 ms (15), promo at 10, 12, 14 ms (3); ties go to the first stream.
        assertThat(sink.intendedNs).isSorted().hasSize(18);
        assertThat(sink.classes.stream().filter(c -> c == PROMO).count()).isEqualTo(3);
        assertThat(sink.streams.subList(10, 13)).containsExactly(0, 1, 0);
        assertThat(sink.globalIndexes.subList(10, 13)).containsExactly(10L, 0L, 11L);
        assertThat(agent.nextIntendedNs()).isEqualTo(START + 15 * MS);
    }

    @Test
    void shouldRecordAckAndEndToEndLatencyPerClassAndWriteOneIntervalLogPerClass(@TempDir final File dir)
        throws Exception
    {
        final SenderAgent agent = agent();
        final HistogramLogWriter promoLog = new HistogramLogWriter(new File(dir, "ack.marketing.hlog"));
        final HistogramLogWriter[] ackLogs = new HistogramLogWriter[MessageClasses.COUNT];
        ackLogs[PROMO] = promoLog;
        final IntervalCollector collector = new IntervalCollector(List.of(tracker), null, null, ackLogs,
            new HistogramLogWriter[MessageClasses.COUNT]);
        clock.set(START + 19 * MS);
        agent.doWork();

        clock.set(START + 20 * MS);
        final List<Long> ids = sink.ackAll();
        clock.set(START + 50 * MS);
        ids.forEach(id -> tracker.onReceipt(id, DeliveryState.PROVIDER_ACCEPTED));
        collector.collect(0, 1);
        promoLog.close();

        // 20 informational (0..19 ms), 5 marketing (10, 12, .. 18 ms).
        assertThat(collector.ackClassTotal(INFO).getTotalCount()).isEqualTo(20);
        assertThat(collector.ackClassTotal(PROMO).getTotalCount()).isEqualTo(5);
        assertThat(collector.e2eClassTotal(PROMO).getTotalCount()).isEqualTo(5);
        assertThat(collector.ackTotal().getTotalCount()).isEqualTo(25);
        assertThat(collector.ackClassTotal(MessageClasses.index(MessageKind.AUTH)).getTotalCount()).isZero();
        // The latest informational was intended at 19 ms, the first at 0: acks at 20 ms took 1..20 ms.
        assertThat(collector.ackClassTotal(INFO).getMaxValue()).isBetween(19_900L, 20_100L);
        assertThat(collector.ackClassTotal(PROMO).getMaxValue()).isBetween(9_990L, 10_010L);
        assertThat(collector.ackClassTotal(PROMO).getMinValue()).isBetween(1_990L, 2_010L);
        // e2e: receipts at 50 ms, so marketing 32..40 ms, informational 31..50 ms.
        assertThat(collector.e2eClassTotal(PROMO).getMaxValue()).isBetween(39_900L, 40_100L);
        assertThat(collector.e2eClassTotal(INFO).getMaxValue()).isBetween(49_900L, 50_100L);

        final Histogram logged = (Histogram)new HistogramLogReader(new File(dir, "ack.marketing.hlog")).nextIntervalHistogram();
        assertThat(logged.getTotalCount()).isEqualTo(5);
    }

    @Test
    void shouldKeepTheClassOfAReceiptThatOvertakesItsAck()
    {
        final SenderAgent agent = agent();
        clock.set(START + 10 * MS);
        agent.doWork();

        // The engine's receipt for the marketing message (id 12) arrives before its ACK is processed.
        clock.set(START + 30 * MS);
        tracker.onReceipt(12, DeliveryState.PROVIDER_ACCEPTED);
        tracker.onAck(START + 10 * MS, PROMO, 12, false);

        final Histogram e2e = tracker.e2eLatency(PROMO).intervalInto(null);
        assertThat(e2e.getTotalCount()).isEqualTo(1);
        assertThat(e2e.getMaxValue()).isBetween(19_950L, 20_050L);
        assertThat(tracker.e2eLatency(INFO).intervalInto(null).getTotalCount()).isZero();
    }
}
