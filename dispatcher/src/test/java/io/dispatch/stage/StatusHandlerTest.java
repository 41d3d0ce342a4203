package io.dispatch.stage;

import io.dispatch.ingest.SessionRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.EndToEndLatency;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;

import static io.dispatch.stage.StageEvents.NOW;
import static io.dispatch.stage.StageEvents.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** The status stage keeps each journaled message's state in the table, from its acceptance through the lanes'. */
class StatusHandlerTest
{
    private final StageEvents events = new StageEvents();
    private final StatusTable table = new StatusTable(64);
    private final Counters counters = new Counters();
    private final SessionFlusher flusher = new SessionFlusher();
    private final StatusHandler stage = new StatusHandler(table, new SessionRegistry(), flusher, counters,
        new CampaignStats(), new EndToEndLatency(), 64, null);

    @Test
    void shouldRecordAnAcceptedMessageThenTheLanesStateChanges()
    {
        final DispatchEvent submit = journaled(events.submit(MessageKind.AUTH, ChannelType.SMS, "", "010"), 21);

        stage.onEvent(submit, 0, true);

        final int slot = table.find(21);
        assertThat(slot).isNotNegative();
        assertThat(table.state(slot)).isEqualTo(DeliveryState.ACCEPTED.code());
        assertThat(table.tenant(slot)).isEqualTo(TENANT);
        assertThat(table.kind(slot)).isEqualTo(MessageKind.AUTH.code());

        final DispatchEvent state = events.state(21, DeliveryState.DELIVERED, ChannelType.SMS, NOW + 9);
        state.journalIndex = 22;
        stage.onEvent(state, 1, true);

        assertThat(table.state(slot)).isEqualTo(DeliveryState.DELIVERED.code());
        assertThat(table.updatedAt(slot)).isEqualTo(NOW + 9);
        assertThat(counters.get(Counter.DELIVERED)).isEqualTo(1);
    }

    @Test
    void shouldRecordAMessageDeferredAtAcceptanceAsDeferredUntilItsDueTime()
    {
        final DispatchEvent submit = journaled(events.submit(MessageKind.MARKETING, ChannelType.SMS, "", "010"), 31);
        submit.decision = Decision.DEFER.code(); // as the policy stage decides a marketing message at night
        submit.reason = (short)Reason.NIGHT_WINDOW.code();
        submit.dueAtMs = NOW + 3_600_000;

        stage.onEvent(submit, 0, true);

        final int slot = table.find(31);
        assertThat(table.state(slot)).isEqualTo(DeliveryState.DEFERRED.code());
        assertThat(table.reason(slot)).isEqualTo((short)Reason.NIGHT_WINDOW.code());
        assertThat(table.updatedAt(slot)).isEqualTo(NOW + 3_600_000);
    }

    @Test
    void shouldKeepNoStateForAMessageThatWasNotJournaled()
    {
        final DispatchEvent submit = journaled(events.submit(MessageKind.AUTH, ChannelType.SMS, "", "010"), 41);
        submit.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;

        stage.onEvent(submit, 0, true);

        assertThat(table.find(41)).isNegative();
    }

    @Test
    void shouldAnswerAStatusQueryOfTheTenantsOwnMessageAndNotFoundForAnyOther()
    {
        stage.onEvent(journaled(events.submit(MessageKind.AUTH, ChannelType.SMS, "", "010"), 51), 0, true);
        final CapturingAnswerSink client = new CapturingAnswerSink(TENANT);
        final DispatchEvent own = query(client, 7, TENANT, 51);
        final DispatchEvent foreign = query(client, 8, TENANT + 1, 51);
        stage.onEvent(own, 1, false);
        stage.onEvent(foreign, 2, true);
        flusher.onEvent(foreign, 2, true);

        assertThat(client.offered).containsExactly(
            "STATUS_RESULT 7 id=51 state=" + DeliveryState.ACCEPTED.code(),
            "NACK 8 " + ErrorCode.NOT_FOUND);
        assertThat(client.flushes).isEqualTo(1);
    }

    /** A STATUS request as the ingest session publishes it. */
    private static DispatchEvent query(final CapturingAnswerSink client, final long correlationId, final int tenantId,
        final long messageId)
    {
        final DispatchEvent e = new DispatchEvent();
        e.reset(DispatchEvent.STATUS_QUERY);
        e.session = client;
        e.correlationId = correlationId;
        e.tenantId = tenantId;
        e.messageId = messageId;
        return e;
    }

    /** What the dedup and journal stages leave on an accepted SUBMIT. */
    private static DispatchEvent journaled(final DispatchEvent e, final long messageId)
    {
        e.acceptedAtMs = NOW;
        e.messageId = messageId;
        return e;
    }
}
