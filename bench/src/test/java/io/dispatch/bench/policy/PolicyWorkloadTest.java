package io.dispatch.bench.policy;

import io.dispatch.policy.PolicyEngine;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy benchmarks measure what they claim: a realistic mix of decisions (mostly sends, every kind of
 * suppression present, rate limits rarely binding), and the ring stages see the same recipients as the engine.
 */
class PolicyWorkloadTest
{
    private static final int RECIPIENTS = 100_000;
    private static final int MESSAGES = 400_000;

    @Test
    void shouldProduceARealisticMixOfDecisions()
    {
        final PolicyWorkload w = new PolicyWorkload(RECIPIENTS, "14:00");
        final PolicyEngine engine = w.newEngine();
        final MessageClock clock = new MessageClock(w.startMs());
        final int[] byReason = new int[64];
        int sent = 0;
        for (int n = 0; n < MESSAGES; n++)
        {
            final int i = n & PolicyWorkload.STREAM_MASK;
            if (engine.decide(PolicyWorkload.TENANT_ID, w.kind(i), w.channel(i), w.recipientKey(i), 0, false, false,
                clock.next()) == PolicyEngine.SEND)
            {
                sent++;
            }
            byReason[engine.reason()]++;
        }
        assertThat(sent).as("sends").isGreaterThan(MESSAGES * 75 / 100);
        assertThat(byReason[Reason.NO_CONSENT.code()]).as("no consent").isGreaterThan(MESSAGES / 100);
        assertThat(byReason[Reason.OPTED_OUT.code()]).as("opted out").isGreaterThan(0);
        assertThat(byReason[Reason.FREQUENCY_CAPPED.code()]).as("capped").isGreaterThan(MESSAGES / 100);
        assertThat(byReason[Reason.RATE_LIMITED.code()]).as("rate limited").isLessThan(MESSAGES / 100);
        assertThat(byReason[Reason.NIGHT_WINDOW.code()]).as("daytime").isZero();
    }

    @Test
    void shouldDeferMarketingWithoutNightConsentAtNight()
    {
        final PolicyWorkload w = new PolicyWorkload(RECIPIENTS, "22:00");
        final PolicyEngine engine = w.newEngine();
        int night = 0;
        for (int i = 0; i < 10_000; i++)
        {
            engine.decide(PolicyWorkload.TENANT_ID, w.kind(i), w.channel(i), w.recipientKey(i), 0, false, false, w.startMs());
            night += engine.reason() == Reason.NIGHT_WINDOW.code() ? 1 : 0;
        }
        assertThat(night).isGreaterThan(10_000 / 10);
    }

    @Test
    void shouldMakeTheStagesDecideAsTheEngineDoesOnTheSameStream()
    {
        final PolicyWorkload w = new PolicyWorkload(RECIPIENTS, "14:00");
        final PolicyStageDriver stage = new PolicyStageDriver(w, 10_000);
        final PolicyEngine engine = w.newEngine();
        final MessageClock clock = new MessageClock(w.startMs());
        for (int i = 0; i < 100_000; i++)
        {
            final byte expected = engine.decide(PolicyWorkload.TENANT_ID, w.kind(i), w.channel(i), w.recipientKey(i), 0,
                false, false, clock.next());
            assertThat(stage.submit()).as("message %d", i).isEqualTo(expected);
            assertThat(stage.event().recipientKey).isEqualTo(w.recipientKey(i));
            assertThat(stage.event().reason).isEqualTo(engine.reason());
        }
        assertThat(stage.dedupSize()).as("steady dedup population").isBetween(9_800, 10_200);
    }
}
