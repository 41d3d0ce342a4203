package io.dispatch.policy;

import io.dispatch.config.CapRules;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrequencyCapsTest
{
    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_790_000_000_000L;

    @Test
    void shouldForgetRecipientsWhoseHistoryLeftTheLongestWindowAndReuseTheirSlots()
    {
        final CapRules rules = CapRules.parse("cap", "1/24h,3/7d");
        final FrequencyCaps caps = new FrequencyCaps(rules.maxCount(), rules.maxWindowMs());
        for (long r = 1; r <= 100; r++)
        {
            caps.record(r, T0);
        }
        caps.record(1, T0 + 6 * DAY);
        assertThat(caps.size()).isEqualTo(100);

        caps.sweep(T0 + 7 * DAY, 1_000);
        assertThat(caps.size()).as("only recipient 1 sent within 7 days").isEqualTo(1);
        assertThat(caps.isCapped(1, rules, T0 + 6 * DAY + 1_000)).isTrue();
        assertThat(caps.isCapped(2, rules, T0 + 7 * DAY)).isFalse();

        for (long r = 200; r < 299; r++)
        {
            caps.record(r, T0 + 7 * DAY);
        }
        assertThat(caps.size()).isEqualTo(100);
        assertThat(caps.isCapped(250, rules, T0 + 7 * DAY + 1_000)).as("a reused slot starts empty then records")
            .isTrue();
        assertThat(caps.isCapped(1, rules, T0 + 7 * DAY)).as("recipient 1's history survived the sweep").isFalse();
        assertThat(caps.isCapped(1, rules, T0 + 6 * DAY + 3_600_000)).isTrue();
    }

    @Test
    void shouldSweepABoundedNumberOfSlotsPerCall()
    {
        final FrequencyCaps caps = new FrequencyCaps(1, DAY);
        for (long r = 1; r <= 10; r++)
        {
            caps.record(r, T0);
        }
        caps.sweep(T0 + 2 * DAY, 3);
        assertThat(caps.size()).isEqualTo(7);
        caps.sweep(T0 + 2 * DAY, 100);
        assertThat(caps.size()).isZero();
    }

    @Test
    void shouldKeepEachRecipientsHistoryWhenARuntimeRuleWidensIt()
    {
        final FrequencyCaps caps = new FrequencyCaps(1, DAY);
        for (long r = 1; r <= 2_000; r++)
        {
            caps.record(r, T0);
        }
        caps.record(7, T0 + 1_000);
        final CapRules three = CapRules.parse("rules", "3/2d");
        caps.widen(three.maxCount(), three.maxWindowMs());

        assertThat(caps.depth()).isEqualTo(3);
        caps.record(7, T0 + 2_000);
        assertThat(caps.isCapped(7, three, T0 + 3_000)).as("the depth-1 history kept only the newest send").isFalse();
        caps.record(7, T0 + 2_500);
        assertThat(caps.isCapped(7, three, T0 + 3_000)).as("recipient 7: its send before the change and two after")
            .isTrue();
        caps.record(1_999, T0 + 2_000);
        caps.record(1_999, T0 + 2_500);
        assertThat(caps.isCapped(1_999, three, T0 + 3_000)).as("the last slot's history moved too").isTrue();
        caps.sweep(T0 + DAY + 1_000, 10_000);
        assertThat(caps.size()).as("retention follows the longer window: nothing older than 2 days yet").isEqualTo(2_000);
    }
}
