package io.dispatch.load;

import io.dispatch.load.scenario.RateProfile;
import io.dispatch.load.scenario.RateProfiles;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Rate profiles and the open-loop schedules built on them: pure logic, exact numbers. */
class RateProfileTest
{
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START = 7 * S;

    /** @return messages of the schedule (all connections) intended in [fromS, toS) of the run. */
    private static long count(final OpenLoopSchedule s, final double fromS, final double toS)
    {
        return s.countBetween(START + Math.round(fromS * S), START + Math.round(toS * S));
    }

    private static OpenLoopSchedule schedule(final String rate, final long fromNs, final long toNs, final int runS)
    {
        return new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, runS), RateProfiles.parse(rate, fromNs, toNs), 2);
    }

    @Test
    void shouldPlaceAConstantRateExactlyAsTheFixedRateScheduleDid()
    {
        final OpenLoopSchedule fixed = new OpenLoopSchedule(RunWindow.ofSeconds(START, 0, 3), 7, 3);
        final OpenLoopSchedule profile = schedule("7", 0, 3 * S, 3);

        for (long g = 0; g < 21; g++)
        {
            assertThat(profile.intendedNs(g)).isEqualTo(fixed.intendedNs(g));
        }
        assertThat(profile.totalMessages()).isEqualTo(21);
    }

    @Test
    void shouldRampLinearlySoEachSecondCarriesTheAreaUnderTheRate()
    {
        // 0 -> 1000/s over 10 s: second k carries 100k + 50 messages; 50,000 in total... here 5,000.
        final OpenLoopSchedule s = schedule("ramp 0 1000 over 10s", 0, 10 * S, 10);

        assertThat(s.totalMessages()).isEqualTo(5_000);
        for (int k = 0; k < 10; k++)
        {
            assertThat(count(s, k, k + 1)).as("second %d", k).isCloseTo(100L * k + 50, offset(1L));
        }
        // Message n of a ramp from 0 is due at sqrt(n / 50) seconds (count = 50 t^2).
        assertThat((double)(s.intendedNs(1_250) - START)).isCloseTo(5.0 * S, offset(2.0));
        assertIntendedTimesAreOrderedAndConsistentWithDueBy(s);
    }

    @Test
    void shouldHoldTheLastRateAfterARampAndAfterTheLastStep()
    {
        final OpenLoopSchedule ramp = schedule("ramp 1000 2000 over 2s", 0, 4 * S, 4);
        assertThat(count(ramp, 0, 2)).isEqualTo(3_000);
        assertThat(count(ramp, 2, 4)).isEqualTo(4_000);

        final OpenLoopSchedule steps = schedule("steps 100,200,400 every 1s", 0, 5 * S, 5);
        assertThat(count(steps, 0, 1)).isEqualTo(100);
        assertThat(count(steps, 1, 2)).isEqualTo(200);
        assertThat(count(steps, 2, 3)).isEqualTo(400);
        assertThat(count(steps, 3, 5)).isEqualTo(800);
        assertIntendedTimesAreOrderedAndConsistentWithDueBy(steps);
    }

    @Test
    void shouldBurstAtThePeakForTheBurstLengthOfEveryPeriod()
    {
        // 100/s, with 1000/s for 1 s at the start of every 5 s period, first period 2 s in.
        final OpenLoopSchedule s = schedule("burst 100 1000 every 5s for 1s after 2s", 0, 12 * S, 12);

        assertThat(count(s, 0, 2)).isEqualTo(200);
        assertThat(count(s, 2, 3)).isEqualTo(1_000);
        assertThat(count(s, 3, 7)).isEqualTo(400);
        assertThat(count(s, 7, 8)).isEqualTo(1_000);
        assertThat(count(s, 8, 12)).isEqualTo(400);
        assertThat(s.profile().peakRate()).isEqualTo(1_000);
        assertIntendedTimesAreOrderedAndConsistentWithDueBy(s);
    }

    @Test
    void shouldOfferNothingOutsideAStreamsStartAndStop()
    {
        // A campaign from 4 s to 6 s of a 10 s run.
        final OpenLoopSchedule s = schedule("500", 4 * S, 6 * S, 10);

        assertThat(count(s, 0, 4)).isZero();
        assertThat(s.intendedNs(0)).isEqualTo(START + 4 * S);
        assertThat(count(s, 4, 6)).isEqualTo(1_000);
        assertThat(count(s, 6, 10)).isZero();
        assertThat(s.totalMessages()).isEqualTo(1_000);
        assertThat(s.intendedNs(1_000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldSplitAVaryingRateAcrossConnectionsWithoutLosingOrDuplicatingMessages()
    {
        final OpenLoopSchedule s = schedule("ramp 200 2000", 0, 3 * S, 3);
        long owned = 0;
        for (int connection = 0; connection < s.connections(); connection++)
        {
            long seq = 0;
            long last = Long.MIN_VALUE;
            while (s.isScheduled(connection, seq))
            {
                final long t = s.intendedNs(connection, seq);
                assertThat(t).isGreaterThanOrEqualTo(last).isLessThan(START + 3 * S);
                last = t;
                seq++;
            }
            owned += seq;
        }
        assertThat(owned).isEqualTo(s.totalMessages()).isEqualTo(3_300);
    }

    @Test
    void shouldScaleEveryRateButKeepTheShape()
    {
        final RateProfile p = RateProfiles.parse("steps 100,300 every 1s", 0, 2 * S).scaled(10);

        assertThat(p.totalCount()).isCloseTo(4_000, offset(1e-6));
        assertThat(p.rateAt(500 * MS)).isEqualTo(1_000);
        assertThat(p.rateAt(1_500 * MS)).isEqualTo(3_000);
    }

    @Test
    void shouldExplainEachMalformedRate()
    {
        assertThatThrownBy(() -> RateProfiles.parse("ramp 10", 0, S)).hasMessageContaining("ramp FROM TO");
        assertThatThrownBy(() -> RateProfiles.parse("steps 1,2 each 1s", 0, S)).hasMessageContaining("steps R1,R2");
        assertThatThrownBy(() -> RateProfiles.parse("burst 1 2 every 1s for 2s", 0, S))
            .hasMessageContaining("longer than its period");
        assertThatThrownBy(() -> RateProfiles.parse("burst 1 2 every 1ms for 1ms", 0, 3_600 * S))
            .hasMessageContaining("too short");
        assertThatThrownBy(() -> RateProfiles.parse("-5", 0, S)).hasMessageContaining("unknown rate form");
        assertThatThrownBy(() -> RateProfiles.parse("constant x", 0, S)).hasMessageContaining("'x' is not a rate");
        assertThatThrownBy(() -> RateProfiles.parse("wobble 5", 0, S)).hasMessageContaining("forms:");
    }

    private static void assertIntendedTimesAreOrderedAndConsistentWithDueBy(final OpenLoopSchedule s)
    {
        long previous = Long.MIN_VALUE;
        for (long g = 0; g < s.totalMessages(); g += 7)
        {
            final long t = s.intendedNs(g);
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
            assertThat(s.dueBy(t)).as("due at the intended time of %d", g).isGreaterThan(g);
            assertThat(s.dueBy(t - 1)).as("due just before the intended time of %d", g).isLessThanOrEqualTo(g);
        }
    }
}
