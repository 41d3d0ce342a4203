package io.dispatch.stage;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ack stage's answers to what has no ingest session: a connector's inbound event is answered once its batch
 * ended (after the journal stage's end-of-batch fsync), journaled or not; a message nobody sent over a connection
 * (a cluster feeder's, a campaign's) is answered to nobody. The answers to a session are covered end to end by
 * the engine ITs until the ack stage answers through an interface instead of the Netty handler.
 */
class AckHandlerTest
{
    private final StageEvents events = new StageEvents();
    private final Counters counters = new Counters();
    private final AckHandler stage = new AckHandler(new SessionFlusher(), counters, new DistinctErrorLog(counters),
        new StatusTable(64), new ClassLatency(""), 64);

    @Test
    void shouldAnswerInboundEventsAtTheEndOfTheirBatchJournaledOrNot()
    {
        final DispatchEvent journaled = events.inbound("mid-1");
        final DispatchEvent redelivered = events.inbound("mid-2");
        redelivered.outcome = DispatchEvent.OUTCOME_DUPLICATE; // as the journal stage marks an event seen before
        final DispatchEvent failed = events.inbound("mid-3");
        failed.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
        final CompletableFuture<Boolean> journaledAnswer = journaled.inboundAnswer;
        final CompletableFuture<Boolean> redeliveredAnswer = redelivered.inboundAnswer;
        final CompletableFuture<Boolean> failedAnswer = failed.inboundAnswer;

        stage.onEvent(journaled, 0, false);
        stage.onEvent(redelivered, 1, false);
        assertThat(journaledAnswer).as("not before the batch's fsync").isNotDone();

        stage.onEvent(failed, 2, true);

        assertThat(journaledAnswer).isCompletedWithValue(true);
        assertThat(redeliveredAnswer).as("journaled before").isCompletedWithValue(true);
        assertThat(failedAnswer).as("the connector answers its platform with a retriable error")
            .isCompletedWithValue(false);
    }

    @Test
    void shouldAnswerNobodyForAMessageThatCameOverNoConnection()
    {
        final DispatchEvent e = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "010");
        e.messageId = 5;

        stage.onEvent(e, 0, true);

        assertThat(counters.get(Counter.ACKED)).isZero();
        assertThat(counters.get(Counter.SUBMITS_NACKED)).isZero();
    }
}
