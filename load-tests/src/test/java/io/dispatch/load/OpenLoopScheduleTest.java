package io.dispatch.load;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenLoopScheduleTest
{
    private static final long START = 1_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldInterleaveConnectionsSoTheAggregateIsEvenlySpaced()
    {
        final OpenLoopSchedule s = new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 1), 1000, 4);

        assertThat(s.intendedNs(0, 0)).isEqualTo(START);
        assertThat(s.intendedNs(1, 0)).isEqualTo(START + MS);
        assertThat(s.intendedNs(3, 0)).isEqualTo(START + 3 * MS);
        assertThat(s.intendedNs(0, 1)).isEqualTo(START + 4 * MS);
        assertThat(s.intendedNs(2, 5)).isEqualTo(START + 22 * MS);
        assertThat(s.globalIndex(2, 5)).isEqualTo(22);
    }

    @Test
    void shouldTellAConnectionsFirstMessageIntendedStrictlyAfterATime()
    {
        final OpenLoopSchedule s = new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 1), 1000, 4);

        assertThat(s.nextIntendedAfter(1, START - MS)).isEqualTo(START + MS);
        assertThat(s.nextIntendedAfter(1, START + MS - 1)).isEqualTo(START + MS);
        assertThat(s.nextIntendedAfter(1, START + MS)).isEqualTo(START + 5 * MS);
        assertThat(s.nextIntendedAfter(0, START + 6 * MS)).isEqualTo(START + 8 * MS);
        assertThat(s.nextIntendedAfter(3, START + 995 * MS)).isEqualTo(START + 999 * MS);
        assertThat(s.nextIntendedAfter(3, START + 999 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldNotDriftWhenTheIntervalIsNotAWholeNumberOfNanos()
    {
        final double rate = 7;
        final OpenLoopSchedule s = new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 100_000), rate, 1);

        for (final long g : new long[] {1, 7, 1_000, 699_993})
        {
            final double exact = START + g * 1e9 / rate;
            assertThat((double)s.intendedNs(g)).isCloseTo(exact, org.assertj.core.data.Offset.offset(1.0));
        }
        assertThat(s.intendedNs(7)).isEqualTo(START + TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void shouldScheduleExactlyRateTimesDurationMessagesAndStopAtTheEnd()
    {
        final RunWindow w = RunWindow.ofSeconds(START, 1, 2);
        final OpenLoopSchedule s = new OpenLoopSchedule(w, 1000, 3);

        assertThat(s.dueBy(w.endNs())).isEqualTo(3000);
        assertThat(s.countBetween(w.warmupEndNs(), w.endNs())).isEqualTo(2000);
        assertThat(s.countBetween(w.startNs(), w.warmupEndNs())).isEqualTo(1000);
        // global 2999 is the last: connection 2 seq 999 (2999 = 999*3 + 2); 3000 would be connection 0 seq 1000.
        assertThat(s.isScheduled(2, 999)).isTrue();
        assertThat(s.isScheduled(0, 1000)).isFalse();
        assertThat(s.intendedNs(2, 999)).isLessThan(w.endNs());
    }

    @Test
    void shouldCountDueMessagesConsistentlyWithIntendedTimes()
    {
        final OpenLoopSchedule s = new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 10), 3, 2);

        assertThat(s.dueBy(START - 1)).isZero();
        assertThat(s.dueBy(START)).isEqualTo(1);
        for (long g = 0; g < 30; g++)
        {
            final long t = s.intendedNs(g);
            assertThat(s.dueBy(t)).as("due at intended time of %d", g).isEqualTo(g + 1);
            assertThat(s.dueBy(t - 1)).as("due just before intended time of %d", g).isEqualTo(g);
        }
    }

    @Test
    void shouldRejectANonPositiveRate()
    {
        assertThatThrownBy(() -> new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 1), 0, 1))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
