package io.dispatch.stage;

import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.journal.MessageHistory;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.PolicyRates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static io.dispatch.stage.StageEvents.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** The journal stage on a real Chronicle Queue in a temp folder: what it appends is read back from the journal. */
class JournalHandlerTest
{
    private static final int DEFAULT_TTL_SECONDS = 60;

    @TempDir
    Path dir;

    private final StageEvents events = new StageEvents();
    private final DedupIndex dedupIndex = new DedupIndex(60_000);
    private final DedupHandler dedup = new DedupHandler(dedupIndex, null, () -> NOW);
    private final PolicyHandler policy = new PolicyHandler(StageEvents.engine(), dedupIndex, () -> NOW, new Counters(),
        new PolicyRates(2));
    private Journal journal;
    private JournalHandler stage;

    @BeforeEach
    void open()
    {
        journal = new Journal(dir, "FAST_DAILY");
        final Counters counters = new Counters();
        stage = new JournalHandler(journal, true, dedupIndex, events.tenants, counters, new DistinctErrorLog(counters),
            DEFAULT_TTL_SECONDS, null, policy);
        stage.onStart();
    }

    @AfterEach
    void close()
    {
        stage.onShutdown();
        journal.close();
    }

    @Test
    void shouldJournalAnAcceptedSubmitUnderItsNewIdAndRememberItsKey()
    {
        final DispatchEvent e = decided(events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "order-1", "010"));

        stage.onEvent(e, 0, true);

        assertThat(e.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
        assertThat(e.messageId).as("its journal index").isPositive();
        assertThat(e.deadlineMs).isEqualTo(NOW + DEFAULT_TTL_SECONDS * 1000L);
        assertThat(dedupIndex.find(e.keyHash, NOW)).as("a resubmission is a duplicate of it").isEqualTo(e.messageId);
        try (JournalReader reader = journal.newReader())
        {
            final MessageHistory history = reader.readHistory(e.messageId, 10);
            assertThat(history.accepted.tenant()).isEqualTo("acme");
            assertThat(history.accepted.channel).isEqualTo(ChannelType.SMS.code());
            assertThat(history.accepted.decision).isEqualTo(Decision.SEND.code());
            assertThat(Arrays.copyOf(history.accepted.body, history.accepted.bodyLength))
                .isEqualTo(Arrays.copyOf(e.body, e.bodyLength));
        }
    }

    @Test
    void shouldJournalALanesStateChangesAfterTheMessageAndSkipADuplicate()
    {
        final DispatchEvent submit = decided(events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "k", "010"));
        stage.onEvent(submit, 0, true);
        final DispatchEvent duplicate = decided(events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "k", "010"));
        assertThat(duplicate.outcome).isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
        stage.onEvent(duplicate, 1, true);
        assertThat(duplicate.messageId).as("the original's, nothing appended").isEqualTo(submit.messageId);

        final DispatchEvent state = events.state(submit.messageId, DeliveryState.DELIVERED, ChannelType.SMS, NOW + 7);
        stage.onEvent(state, 2, true);

        assertThat(state.journalIndex).isGreaterThan(submit.messageId);
        try (JournalReader reader = journal.newReader())
        {
            final MessageHistory history = reader.readHistory(submit.messageId, 10);
            assertThat(history.changes).extracting(MessageHistory.Change::state, MessageHistory.Change::atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryState.DELIVERED, NOW + 7));
        }
    }

    @Test
    void shouldJournalAnInboundEventOnceAndAnswerARedeliveryAsADuplicate()
    {
        final DispatchEvent first = events.inbound("mid-1");
        stage.onEvent(first, 0, true);
        final DispatchEvent again = events.inbound("mid-1");
        stage.onEvent(again, 1, true);

        assertThat(first.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
        assertThat(again.outcome).isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
    }

    /** Through the two stages before this one, as the ring runs them. */
    private DispatchEvent decided(final DispatchEvent e)
    {
        dedup.onEvent(e, 0, false);
        policy.onEvent(e, 0, false);
        return e;
    }
}
