package io.dispatch.stage;

import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.schedule.Scheduler;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.PolicyRates;
import org.junit.jupiter.api.Test;

import static io.dispatch.stage.StageEvents.NOW;
import static io.dispatch.stage.StageEvents.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** The policy stage's decisions on a SUBMIT, on the scheduler's RELEASE and on an operator's rate change. */
class PolicyHandlerTest
{
    private final StageEvents events = new StageEvents();
    private final long[] now = {NOW};
    private final PolicyRates rates = new PolicyRates(2);
    private final PolicyHandler stage = new PolicyHandler(StageEvents.engine(), new DedupIndex(60_000), () -> now[0],
        new Counters(), rates);
    private final DedupHandler dedup = new DedupHandler(new DedupIndex(60_000), null, () -> now[0]);

    @Test
    void shouldSendAnInformationalMessageAndLeaveADuplicateUndecided()
    {
        final DispatchEvent e = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678");
        dedup.onEvent(e, 0, false);
        stage.onEvent(e, 0, false);
        assertThat(e.decision).isEqualTo(Decision.SEND.code());
        assertThat(e.reason).isEqualTo((short)Reason.NONE.code());

        final DispatchEvent duplicate = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678");
        duplicate.outcome = DispatchEvent.OUTCOME_DUPLICATE; // as the dedup stage marks one
        duplicate.decision = Decision.DUPLICATE.code();
        stage.onEvent(duplicate, 1, true);
        assertThat(duplicate.decision).isEqualTo(Decision.DUPLICATE.code());
    }

    @Test
    void shouldIgnoreTheReleaseOfAMessageNoLongerDeferredAndExpireOnePastItsDeadline()
    {
        final Scheduler scheduler = new Scheduler(StageEvents.unreserved(), events.admissions, () -> now[0], 1 << 16,
            new CancelledCampaigns());
        scheduler.ring(events.ring);
        defer(scheduler, 11, NOW + 10, NOW + 60_000);
        defer(scheduler, 12, NOW + 10, NOW + 20);
        stage.recoverDeferred(12, TENANT); // 11 was cancelled meanwhile: the stage no longer holds it
        now[0] = NOW + 30;
        for (int i = 0; i < 3 && events.ring.getCursor() < 1; i++)
        {
            scheduler.doWork();
        }
        final DispatchEvent cancelled = events.ring.get(events.ring.getCursor() - 1);
        final DispatchEvent expired = events.ring.get(events.ring.getCursor());
        assertThat(cancelled.messageId).isEqualTo(11);
        assertThat(expired.messageId).isEqualTo(12);

        stage.onEvent(cancelled, 0, false);
        stage.onEvent(expired, 1, true);

        assertThat(cancelled.outcome).isEqualTo(DispatchEvent.OUTCOME_IGNORED);
        assertThat(expired.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
        assertThat(expired.decision).isEqualTo(Decision.SUPPRESS.code());
        assertThat(expired.newState).isEqualTo(DeliveryState.EXPIRED.code());
        assertThat(expired.reason).isEqualTo((short)Reason.TTL_EXPIRED.code());
        assertThat(stage.deferredCount()).isZero();
    }

    @Test
    void shouldApplyAnOperatorsRateChangeAndStampItsTime()
    {
        now[0] = NOW + 5;
        final DispatchEvent e = events.tenantRate(7);

        stage.onEvent(e, 0, true);

        assertThat(rates.get(TENANT, 0)).isEqualTo(7);
        assertThat(rates.changedAtMs(TENANT, 0)).isEqualTo(NOW + 5);
        assertThat(e.acceptedAtMs).as("journaled with the time it took effect").isEqualTo(NOW + 5);
    }

    private static void defer(
        final Scheduler scheduler, final long messageId, final long dueAtMs, final long deadlineMs)
    {
        assertThat(scheduler.defer(messageId, dueAtMs, 99, deadlineMs, TENANT, MessageKind.INFORMATIONAL.code(),
            ChannelType.SMS.code(), false, -1, 0)).isTrue();
    }
}
