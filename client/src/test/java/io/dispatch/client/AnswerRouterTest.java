package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerRouterTest
{
    private final InFlightRequests inFlight = new InFlightRequests();
    private final Subscriptions subscriptions = new Subscriptions();
    private final List<String> protocolErrors = new ArrayList<>();
    private final AnswerRouter answers = new AnswerRouter(inFlight, subscriptions, "engine:7700", protocolErrors::add);

    @Test
    void shouldCompleteTheSubmitItsAckNamesAndForgetIt()
    {
        final FutureSubmitListener first = submit(1);
        final FutureSubmitListener second = submit(2);

        answers.onAck(2, 702, true);

        assertThat(second).isCompletedWithValue(new SubmitResult(702, true));
        assertThat(first).isNotDone();
        assertThat(inFlight.size()).isEqualTo(1);
        assertThat(inFlight.remove(2)).isNull();
    }

    @Test
    void shouldFailARequestAnsweredWithAnotherRequestsAnswerType()
    {
        final StatusRequest status = inFlight(new StatusRequest(77), 5);

        answers.onAck(5, 1, false);

        assertThat(failure(status.future)).satisfies(e ->
        {
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.ERROR);
            assertThat(e.detail()).isEqualTo("ACK does not answer a StatusRequest");
        });
        assertThat(protocolErrors).as("the connection stays").isEmpty();
    }

    @Test
    void shouldDropAnswersForUnknownIdsWithoutTouchingOthers()
    {
        final FutureSubmitListener waiting = submit(1);

        answers.onAck(9, 1, false);
        answers.onNack(9, ErrorCode.BACKPRESSURE, "late");
        answers.onStatusResult(9, 1, 0, 0, 0, 0, 0, 0);
        answers.onOk(9);

        assertThat(waiting).isNotDone();
        assertThat(inFlight.size()).isEqualTo(1);
    }

    @Test
    void shouldPassANackToItsRequestAsIs()
    {
        final FutureSubmitListener submit = submit(3);

        answers.onNack(3, ErrorCode.CREDIT_EXCEEDED, "no credit left");

        assertThat(failure(submit)).satisfies(e ->
        {
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.NACK);
            assertThat(e.code()).isEqualTo(ErrorCode.CREDIT_EXCEEDED);
            assertThat(e.detail()).isEqualTo("no credit left");
        });
    }

    @Test
    void shouldTurnAStatusResultIntoItsValues()
    {
        final StatusRequest status = inFlight(new StatusRequest(77), 4);

        answers.onStatusResult(4, 77, DeliveryState.DELIVERED.code(), 2, Reason.NONE.code(), 1_700_000_000_000L,
            ChannelType.SMS.code(), MessageKind.INFORMATIONAL.code());

        assertThat(status.future).isCompletedWithValue(new StatusResult(77, DeliveryState.DELIVERED, 2, Reason.NONE,
            1_700_000_000_000L, ChannelType.SMS, MessageKind.INFORMATIONAL));
    }

    @Test
    void shouldTellACancelledMessageFromOneThatWasNot()
    {
        final CancelRequest done = inFlight(new CancelRequest(10, null), 1);
        final CancelRequest tooLate = inFlight(new CancelRequest(11, null), 2);

        answers.onCancelResult(1, 10, Frames.CANCEL_DONE);
        answers.onCancelResult(2, 11, Frames.CANCEL_NOT_DEFERRED);

        assertThat(done.future).isCompletedWithValue(new CancelResult(10, true));
        assertThat(tooLate.future).isCompletedWithValue(new CancelResult(11, false));
    }

    @Test
    void shouldFailOnlyTheRequestAnErrorNames()
    {
        final FutureSubmitListener named = submit(6);
        final FutureSubmitListener other = submit(7);

        answers.onError(6, ErrorCode.INTERNAL, "boom");
        answers.onError(0, ErrorCode.UNKNOWN_MESSAGE_TYPE, "connection-level");

        assertThat(failure(named)).satisfies(e ->
        {
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.ERROR);
            assertThat(e.detail()).isEqualTo("boom");
        });
        assertThat(other).isNotDone();
    }

    @Test
    void shouldConfirmASubscriptionOnOkThenFanReceiptsOutAndAdvanceItsResumePosition()
    {
        final List<String> seen = new ArrayList<>();
        final SubscribeRequest subscribe = inFlight(new SubscribeRequest(Frames.SCOPE_TENANT, Frames.ALL_STATES,
            (id, state, attempts, reason, at) -> seen.add(id + " " + state), null, 0, new CompletableFuture<>()), 8);

        answers.onReceipt(1, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.SMS.code(), 10);
        answers.onOk(8);
        answers.onReceipt(2, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.SMS.code(), 42);

        assertThat(subscribe.future).isCompleted();
        assertThat(seen).as("receipts before the OK have no subscriber").containsExactly("2 DELIVERED");
        assertThat(subscribe.resumeAfter).isEqualTo(42);
        assertThat(subscriptions.size()).isEqualTo(1);
    }

    @Test
    void shouldReplaceTheConfirmedSubscriptionWithItsRestoreAfterAReconnect()
    {
        final SubscribeRequest original = inFlight(new SubscribeRequest(Frames.SCOPE_TENANT, Frames.ALL_STATES,
            (id, state, attempts, reason, at) -> { }, null, 0, new CompletableFuture<>()), 1);
        answers.onOk(1);
        answers.onReceipt(1, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.SMS.code(), 10);
        final SubscribeRequest restore = inFlight(original.restore(), 2);

        answers.onOk(2);
        answers.onReceipt(2, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.SMS.code(), 50);

        assertThat(subscriptions.size()).as("restored, not added twice").isEqualTo(1);
        assertThat(restore.resumeAfter).as("the restore now tracks the position").isEqualTo(50);
        assertThat(original.resumeAfter).isEqualTo(10);
    }

    @Test
    void shouldReportAMalformedAnswerBodyAndFailItsRequest()
    {
        final CampaignRequest stats = inFlight(CampaignRequest.stats(5, null), 3);
        final ByteBuf frame = Unpooled.buffer(4).writeIntLE(0);

        answers.onAnswer(3, MessageType.CAMPAIGN_RESULT, frame, 0, 4);

        assertThat(failure(stats.future).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(protocolErrors).containsExactly("CAMPAIGN_RESULT body of 4 bytes");
    }

    @Test
    void shouldMeasureThePingRoundTripFromThePayloadItSent()
    {
        final PingRequest ping = inFlight(new PingRequest(), 9);

        answers.onPong(9, System.nanoTime() - 5_000_000);

        assertThat(ping.future.join()).isGreaterThanOrEqualTo(5_000_000L);
    }

    private FutureSubmitListener submit(final long correlationId)
    {
        final FutureSubmitListener listener = new FutureSubmitListener();
        inFlight(new SubmitRequest(Submit.builder().to("010").text("hi").build(), listener), correlationId);
        return listener;
    }

    private <R extends Request> R inFlight(final R request, final long correlationId)
    {
        request.correlationId = correlationId;
        request.deadlineNs = Long.MAX_VALUE;
        inFlight.add(request);
        return request;
    }

    private static DispatchException failure(final CompletableFuture<?> future)
    {
        assertThat(future).isCompletedExceptionally();
        return (DispatchException)future.handle((x, e) -> e).join();
    }
}
