package io.dispatch.stage;

import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ack stage answers at the end of a ring batch (after the journal stage's end-of-batch fsync): a client's SUBMIT
 * with ACK, ACK duplicate or a NACK, offered to its answer target ({@link CapturingAnswerSink}); a connector's inbound event
 * journaled or not; and a message nobody sent over a connection (a cluster feeder's, a campaign's) to nobody.
 */
class AckHandlerTest
{
    private final StageEvents events = new StageEvents();
    private final Counters counters = new Counters();
    private final SessionFlusher flusher = new SessionFlusher();
    private final MarketingShare marketing = new MarketingShare(8);
    private final AckHandler stage = new AckHandler(flusher, counters, new DistinctErrorLog(counters),
        new StatusTable(64), new ClassLatency(""), marketing, 64, null);

    @Test
    void shouldGiveMarketingsRingShareBackOnceTheBatchIsAnswered()
    {
        final CapturingAnswerSink client = new CapturingAnswerSink(StageEvents.TENANT);
        final DispatchEvent first = fromSession(client, 21, DispatchEvent.OUTCOME_ACCEPTED, 201);
        final DispatchEvent second = fromSession(client, 22, DispatchEvent.OUTCOME_ACCEPTED, 202);
        final DispatchEvent otp = fromSession(client, 23, DispatchEvent.OUTCOME_ACCEPTED, 203);
        assertThat(marketing.tryTake()).isTrue();
        assertThat(marketing.tryTake()).isTrue();
        first.marketingSlot = true;
        second.marketingSlot = true;

        stage.onEvent(first, 0, false);
        stage.onEvent(second, 1, false);
        assertThat(marketing.held()).as("held until their ACKs are queued").isEqualTo(2);
        stage.onEvent(otp, 2, true);

        assertThat(marketing.held()).isZero();
        assertThat(first.marketingSlot).as("given back once: a later stage that throws finds nothing to give").isFalse();
        assertThat(second.marketingSlot).isFalse();
    }

    @Test
    void shouldAnswerASessionsSubmitsOnlyOnceTheirBatchEnded()
    {
        final CapturingAnswerSink client = new CapturingAnswerSink(StageEvents.TENANT);
        final DispatchEvent accepted = fromSession(client, 11, DispatchEvent.OUTCOME_ACCEPTED, 101);
        final DispatchEvent duplicate = fromSession(client, 12, DispatchEvent.OUTCOME_DUPLICATE, 101);
        final DispatchEvent failed = fromSession(client, 13, DispatchEvent.OUTCOME_JOURNAL_FAILED, 0);

        stage.onEvent(accepted, 0, false);
        flusher.onEvent(accepted, 0, false);
        stage.onEvent(duplicate, 1, false);
        flusher.onEvent(duplicate, 1, false);
        assertThat(client.offered).as("nothing before the batch's fsync").isEmpty();

        stage.onEvent(failed, 2, true);
        flusher.onEvent(failed, 2, true);

        assertThat(client.offered).containsExactly(
            "ACK 11 id=101 outcome=" + AckFlyweight.ACCEPTED,
            "ACK 12 id=101 outcome=" + AckFlyweight.DUPLICATE,
            "NACK 13 " + ErrorCode.JOURNAL_FAILURE);
        assertThat(client.flushes).as("one hand-off to the connection for the batch").isEqualTo(1);
        assertThat(counters.get(Counter.ACKED)).isEqualTo(1);
        assertThat(counters.get(Counter.DUPLICATES)).isEqualTo(1);
        assertThat(counters.get(Counter.SUBMITS_NACKED)).isEqualTo(1);
    }

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

    /** A SUBMIT as the ingest session publishes it and the journal stage leaves it. */
    private DispatchEvent fromSession(
        final CapturingAnswerSink client, final long correlationId, final byte outcome, final long messageId)
    {
        final DispatchEvent e = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "010");
        e.session = client;
        e.sessionRef = 1;
        e.correlationId = correlationId;
        e.outcome = outcome;
        e.messageId = messageId;
        return e;
    }
}
