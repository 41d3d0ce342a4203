package io.dispatch.load;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * The open-loop pacer and the coordinated-omission correction, with a hand-moved clock: latency counts
 * from each message's intended time, so stalls (sender or server) show up for every queued message.
 */
class SenderAgentTest
{
    private static final long START = 5_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock(START);
    private final CapturingSink sink = new CapturingSink();
    private RunWindow window = RunWindow.ofSeconds(START, 0, 1);
    private ConnectionTracker tracker;
    private SenderAgent agent;

    private void newAgent(final double rate, final int connections, final int connection)
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(window, rate, connections);
        tracker = new ConnectionTracker(connection, window, clock);
        agent = new SenderAgent(connection, schedule, clock, sink, new InFlightRing(16, tracker), tracker);
    }

    @Test
    void shouldSendEachMessageOnlyOnceItsIntendedTimeHasCome()
    {
        newAgent(1000, 1, 0);

        assertThat(agent.doWork()).isEqualTo(1);
        clock.advance(MS / 2);
        assertThat(agent.doWork()).isZero();
        assertThat(agent.nextIntendedNs()).isEqualTo(START + MS);
        clock.advance(MS / 2);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(sink.intendedNs).containsExactly(START, START + MS);
    }

    @Test
    void shouldSendOnlyItsOwnShareOfTheScheduleWhenSeveralConnectionsSplitTheRate()
    {
        newAgent(1000, 4, 1);

        clock.set(START + 10 * MS);
        agent.doWork();

        assertThat(sink.globalIndexes).containsExactly(1L, 5L, 9L);
        assertThat(sink.intendedNs).containsExactly(START + MS, START + 5 * MS, START + 9 * MS);
    }

    @Test
    void shouldSendAStreamsShareForItsSlotAndNameTheStreamByItsIndexInTheRun()
    {
        // Connection 5 carries only stream 3 of the run, dealt over 2 connections, as the stream's slot 1.
        final OpenLoopSchedule schedule = new OpenLoopSchedule(window, 1000, 2);
        tracker = new ConnectionTracker(5, window, clock);
        agent = new SenderAgent(5, new OpenLoopSchedule[] {schedule}, new int[] {1}, new int[] {3}, new int[] {2},
            clock, sink, new InFlightRing(16, tracker), tracker);

        clock.set(START + 6 * MS);
        agent.doWork();

        assertThat(sink.globalIndexes).containsExactly(1L, 3L, 5L);
        assertThat(sink.streams).containsOnly(3);
        assertThat(sink.classes).containsOnly(2);
        assertThat(agent.nextIntendedAfter(START + 6 * MS)).isEqualTo(START + 7 * MS);
    }

    @Test
    void shouldBeDoneFromTheStartWhenItsShareOfTheScheduleIsEmpty()
    {
        // Two messages dealt over four connections: connection 3 has none, and nobody needs to wake it.
        window = RunWindow.ofSeconds(START, 0, 1);
        final OpenLoopSchedule schedule = new OpenLoopSchedule(window, 2, 4);
        tracker = new ConnectionTracker(3, window, clock);
        agent = new SenderAgent(3, schedule, clock, sink, new InFlightRing(16, tracker), tracker);

        assertThat(agent.isDone()).isTrue();
        assertThat(agent.hasFailed()).isFalse();
        assertThat(agent.nextIntendedAfter(START - 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldSendTheWholeBacklogAtOnceAndSkipNothingWhenBehind()
    {
        newAgent(1000, 1, 0);
        agent.doWork();

        clock.advance(50 * MS);
        final int sent = agent.doWork();

        assertThat(sent).isEqualTo(50);
        assertThat(sink.intendedNs).hasSize(51);
        for (int i = 0; i < sink.intendedNs.size(); i++)
        {
            assertThat(sink.intendedNs.get(i)).isEqualTo(START + i * MS);
        }
    }

    @Test
    void shouldCatchUpInBoundedBurstsWhenFarBehind()
    {
        newAgent(10_000, 1, 0);
        clock.advance(100 * MS);

        assertThat(agent.doWork()).isEqualTo(SenderAgent.MAX_BURST);
        int total = SenderAgent.MAX_BURST;
        int n;
        while ((n = agent.doWork()) > 0)
        {
            total += n;
        }
        assertThat(total).isEqualTo(1001);
    }

    @Test
    void shouldFlushMessagesIntendedBeforeTheEndWhenWokenJustAfterIt()
    {
        newAgent(1000, 1, 0);
        clock.set(START + 998 * MS);
        while (agent.doWork() > 0)
        {
            // Catch up in bursts.
        }

        clock.set(window.endNs() + MS);
        assertThat(agent.doWork()).isEqualTo(1);
        assertThat(sink.intendedNs).hasSize(1000).last().isEqualTo(START + 999 * MS);
        assertThat(agent.isDone()).isTrue();
    }

    @Test
    void shouldGiveUpOnTheBacklogOnceTheGraceAfterTheEndIsOver()
    {
        newAgent(1000, 1, 0);
        clock.set(window.endNs() + SenderAgent.END_GRACE_NS);

        assertThat(agent.doWork()).isZero();
        assertThat(agent.isDone()).isTrue();
        assertThat(sink.intendedNs).isEmpty();
    }

    @Test
    void shouldFinishWhenTheScheduleIsExhausted()
    {
        newAgent(1000, 1, 0);
        clock.set(window.endNs() - 1);
        while (agent.doWork() > 0)
        {
            // Drain the backlog in bursts.
        }
        assertThat(sink.intendedNs).hasSize(1000);
        assertThat(agent.isDone()).isTrue();
    }

    @Test
    void shouldStopAndUncountAMessageTheSinkRefused()
    {
        newAgent(1000, 1, 0);
        sink.refuse = true;

        assertThat(agent.doWork()).isZero();
        assertThat(agent.isDone()).isTrue();
        assertThat(agent.hasFailed()).isTrue();
        assertThat(tracker.measured().sent()).isZero();
        assertThat(tracker.measured().sendFailed()).isEqualTo(1);
    }

    @Test
    void shouldRecordASenderStallAsLatencyOfEveryMessageQueuedBehindIt()
    {
        newAgent(1000, 1, 0);
        // 10 messages on time, each acked 100 µs after sending.
        for (int i = 0; i < 10; i++)
        {
            clock.set(START + i * MS);
            agent.doWork();
            clock.advance(100 * US);
            sink.ackAll();
        }
        // The sender stalls for 50 ms (GC, descheduled): 51 messages are due when it resumes.
        clock.set(START + 60 * MS);
        assertThat(agent.doWork()).isEqualTo(51);
        clock.advance(100 * US);
        sink.ackAll();

        final Histogram h = tracker.ackLatency(0).intervalInto(null);
        assertThat(h.getTotalCount()).isEqualTo(61);
        // The message intended at 10 ms was acked at 60.1 ms: the stall is in the tail, not hidden.
        assertThat(h.getMaxValue()).isCloseTo(50_100, withPercentage(0.2));
        assertThat(h.getValueAtPercentile(99)).isGreaterThanOrEqualTo(49_000);
        assertThat(h.getValueAtPercentile(50)).isGreaterThan(10_000);
        // Measured from the actual send time, every one of them would have been 100 µs.
        assertThat(h.getMinValue()).isCloseTo(100, withPercentage(1));
    }

    @Test
    void shouldRecordAServerStallAsLatencyWhileTheSenderKeepsTheSchedule()
    {
        newAgent(1000, 1, 0);
        // The sender stays on schedule for 30 ms but the server answers nothing until 30 ms.
        for (int i = 0; i <= 30; i++)
        {
            clock.set(START + i * MS);
            agent.doWork();
        }
        assertThat(sink.pendingCount()).isEqualTo(31);
        sink.ackAll();

        final Histogram h = tracker.ackLatency(0).intervalInto(null);
        assertThat(h.getTotalCount()).isEqualTo(31);
        assertThat(h.getMaxValue()).isCloseTo(30_000, withPercentage(0.2));
        assertThat(h.getMinValue()).isZero();
        assertThat(h.getMean()).isCloseTo(15_000, withPercentage(1));
    }

    @Test
    void shouldMeasureEndToEndFromTheIntendedTimeToTheProviderAcceptedReceipt()
    {
        newAgent(1000, 1, 0);
        clock.set(START + 5 * MS);
        agent.doWork();
        clock.advance(MS);
        final List<Long> ids = sink.ackAll();

        clock.set(START + 40 * MS);
        ids.forEach(id -> tracker.onReceipt(id, DeliveryState.DISPATCHED));
        assertThat(tracker.e2eLatency(0).intervalInto(null).getTotalCount()).isZero();
        ids.forEach(id -> tracker.onReceipt(id, DeliveryState.PROVIDER_ACCEPTED));
        clock.advance(10 * MS);
        ids.forEach(id -> tracker.onReceipt(id, DeliveryState.DELIVERED));

        final Histogram e2e = tracker.e2eLatency(0).intervalInto(null);
        assertThat(e2e.getTotalCount()).isEqualTo(6);
        assertThat(e2e.getMaxValue()).isCloseTo(40_000, withPercentage(0.2));
        assertThat(e2e.getMinValue()).isCloseTo(35_000, withPercentage(0.2));
        assertThat(tracker.measured().e2eCompleted()).isEqualTo(6);
        assertThat(tracker.pendingE2e()).isZero();
        assertThat(tracker.receipts()).isEqualTo(18);
    }

    @Test
    void shouldKeepWarmupMessagesOutOfTheHistogramsButCountThemApart()
    {
        window = new RunWindow(START, 10 * MS, 10 * MS);
        newAgent(1000, 1, 0);
        for (int i = 0; i < 20; i++)
        {
            clock.set(START + i * MS);
            agent.doWork();
            clock.advance(200 * US);
            sink.ackAll();
        }

        assertThat(tracker.warmup().sent()).isEqualTo(10);
        assertThat(tracker.warmup().acked()).isEqualTo(10);
        assertThat(tracker.measured().sent()).isEqualTo(10);
        assertThat(tracker.measured().acked()).isEqualTo(10);
        assertThat(tracker.ackLatency(0).intervalInto(null).getTotalCount()).isEqualTo(10);
        assertThat(tracker.acksInMeasuredPeriod()).isEqualTo(10);
    }

    @Test
    void shouldCountNacksByCodeWithoutRecordingLatency()
    {
        newAgent(1000, 1, 0);
        final InFlightRing ring = new InFlightRing(4, tracker);
        ring.arm(0, START).onNack(ErrorCode.BACKPRESSURE, "ring full");
        ring.arm(1, START).onNack(ErrorCode.BACKPRESSURE, "ring full");
        ring.arm(2, START).onNack(ErrorCode.INVALID_FIELD, "recipient");

        assertThat(tracker.measured().rejected()).isEqualTo(3);
        assertThat(tracker.measured().rejected(ErrorCode.BACKPRESSURE)).isEqualTo(2);
        assertThat(tracker.measured().rejected(ErrorCode.INVALID_FIELD)).isEqualTo(1);
        assertThat(tracker.ackLatency(0).intervalInto(null).getTotalCount()).isZero();
    }

    @Test
    void shouldReplaceARingSlotThatIsStillInFlightInsteadOfReusingIt()
    {
        newAgent(1000, 1, 0);
        final InFlightRing ring = new InFlightRing(2, tracker);
        final InFlightSubmit first = ring.arm(0, START);
        ring.arm(1, START + MS);
        final InFlightSubmit third = ring.arm(2, START + 2 * MS);

        assertThat(third).isNotSameAs(first);
        assertThat(first.intendedNs()).isEqualTo(START);
        assertThat(ring.replaced()).isEqualTo(1);

        third.onAck(7, false);
        assertThat(ring.arm(4, START + 4 * MS)).isSameAs(third);
    }
}
