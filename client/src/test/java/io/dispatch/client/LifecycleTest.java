package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleTest extends PeerTestBase
{
    @Test
    void shouldTimeOutUnansweredRequestsAndIgnoreLateAnswers() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config().requestTimeoutMs(200));
        final long start = System.nanoTime();
        final CompletableFuture<SubmitResult> future = client.submit(message("slow"));
        final ScriptedPeer.Request r = peer.nextRequest(MessageType.SUBMIT, 2000);

        assertThat(future.handle((x, e) -> e).get(3, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e -> assertThat(e.kind()).isEqualTo(DispatchException.Kind.TIMEOUT));
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).isBetween(150L, 2000L);

        r.session().ack(r.correlationId(), 7, false);
        peer.autoAnswer = true;
        assertThat(client.submit(message("next")).get(2, TimeUnit.SECONDS).messageId()).isPositive();
        assertThat(future.isCompletedExceptionally()).isTrue();
    }

    @Test
    void shouldSendGoodbyeOnCloseAfterTheAnswersOwed() throws Exception
    {
        peer.autoAnswer = false;
        // The peer keeps the connection open after GOODBYE: the client itself must wait for the answer owed.
        peer.answerGoodbye = false;
        final DispatchClient client = connect(config());
        final CompletableFuture<SubmitResult> owed = client.submit(message("owed"));
        final ScriptedPeer.Request r = peer.nextRequest(MessageType.SUBMIT, 2000);
        final Thread lateAnswer = new Thread(() ->
        {
            try
            {
                peer.nextFrame(MessageType.GOODBYE, 5000);
                Thread.sleep(100);
                r.session().ack(r.correlationId(), 77, false);
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
        });
        lateAnswer.start();

        client.close();

        assertThat(owed).isCompletedWithValue(new SubmitResult(77, false));
        assertThat(peer.requests).extracting(ScriptedPeer.Request::type).contains(MessageType.GOODBYE);
        await("peer sees the client close", () -> !r.session().channel.isActive());
        assertThat(client.isConnected()).isFalse();
        assertThat(client.submit(message("late")).handle((x, e) -> e).join()).isInstanceOfSatisfying(
            DispatchException.class, e -> assertThat(e.kind()).isEqualTo(DispatchException.Kind.CLOSED));
        client.close();
        lateAnswer.join();
    }

    @Test
    void shouldBoundCloseWhenTheEngineNeverAnswers() throws Exception
    {
        peer.autoAnswer = false;
        peer.answerGoodbye = false;
        final DispatchClient client = connect(config().closeTimeoutMs(300));
        final CompletableFuture<SubmitResult> unanswered = client.submit(message("lost"));
        peer.nextRequest(MessageType.SUBMIT, 2000);

        final long start = System.nanoTime();
        client.close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
        assertThat(peer.nextRequest(MessageType.GOODBYE, 1000)).isNotNull();
        assertThat(unanswered.handle((x, e) -> e).join()).isInstanceOfSatisfying(
            DispatchException.class, e -> assertThat(e.kind()).isEqualTo(DispatchException.Kind.CLOSED));
    }

    @Test
    void shouldAnswerStatusAndSurfaceStatusNacks() throws Exception
    {
        final DispatchClient client = connect(config());

        assertThat(client.status(77).get(2, TimeUnit.SECONDS)).isEqualTo(new StatusResult(
            77, DeliveryState.DELIVERED, 1, Reason.NONE, 1_700_000_000_123L, ChannelType.SMS,
            MessageKind.INFORMATIONAL));

        assertThat(peer.nextRequest(MessageType.STATUS, 1000).statusId()).isEqualTo(77);
        peer.autoAnswer = false;
        final CompletableFuture<StatusResult> missing = client.status(78);
        final ScriptedPeer.Request r = peer.nextRequest(MessageType.STATUS, 2000);
        r.session().nack(r.correlationId(), ErrorCode.NOT_FOUND, "no message 78");
        assertThat(missing.handle((x, e) -> e).get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e ->
            {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                assertThat(e.detail()).isEqualTo("no message 78");
            });
    }

    @Test
    void shouldFailTheRequestAnErrorFrameNamesAndKeepTheConnection() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config());
        final CompletableFuture<SubmitResult> future = client.submit(message("e"));
        final ScriptedPeer.Request r = peer.nextRequest(MessageType.SUBMIT, 2000);

        r.session().error(r.correlationId(), ErrorCode.INTERNAL, "boom");

        assertThat(future.handle((x, e) -> e).get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e ->
            {
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.ERROR);
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                assertThat(e.detail()).isEqualTo("boom");
            });
        r.session().error(0, ErrorCode.UNKNOWN_MESSAGE_TYPE, "connection-level");
        peer.autoAnswer = true;
        assertThat(client.ping().get(2, TimeUnit.SECONDS)).isPositive();
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void shouldFanReceiptsAndDropNoticesOutToListeners() throws Exception
    {
        final DispatchClient client = connect(config());
        final CompletableFuture<String> receipt = new CompletableFuture<>();
        final CompletableFuture<Integer> dropped = new CompletableFuture<>();
        client.subscribeReceipts(Frames.SCOPE_CONNECTION, new ReceiptListener()
        {
            @Override
            public void onReceipt(
                final long messageId, final DeliveryState state, final int attempts, final Reason reason,
                final long atEpochMs)
            {
                receipt.complete(messageId + " " + state + " " + attempts + " " + reason);
            }

            @Override
            public void onReceiptsDropped(final int count)
            {
                dropped.complete(count);
            }
        }).get(2, TimeUnit.SECONDS);
        assertThat(peer.nextRequest(MessageType.SUBSCRIBE, 1000).scope()).isEqualTo(Frames.SCOPE_CONNECTION);

        final ScriptedPeer.Session session = peer.awaitSession(1, 1000);
        session.receipt(9, DeliveryState.RETRYING.code(), 2, Reason.PROVIDER_TIMEOUT.code(), 1L);
        session.receiptsDropped(7);

        assertThat(receipt.get(2, TimeUnit.SECONDS)).isEqualTo("9 RETRYING 2 PROVIDER_TIMEOUT");
        assertThat(dropped.get(2, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @Test
    void shouldPassTheReceiptsChannelAndNullFromAnEngineThatSendsNone() throws Exception
    {
        final DispatchClient client = connect(config());
        final java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        client.subscribeReceipts(Frames.SCOPE_CONNECTION, new ReceiptListener()
        {
            @Override
            public void onReceipt(
                final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs)
            {
                seen.add("five-argument " + messageId);
            }

            @Override
            public void onReceipt(
                final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs,
                final ChannelType channel)
            {
                seen.add(messageId + " " + state + " " + channel);
            }
        }).get(2, TimeUnit.SECONDS);
        final ScriptedPeer.Session session = peer.awaitSession(1, 1000);
        session.receipt(11, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.SMS.code());
        session.receipt(12, DeliveryState.DELIVERED.code(), 1, 0, 1L);
        assertThat(seen.poll(2, TimeUnit.SECONDS)).isEqualTo("11 DELIVERED SMS");
        assertThat(seen.poll(2, TimeUnit.SECONDS)).as("a 20-byte receipt").isEqualTo("12 DELIVERED null");

        // a lambda (the five-argument form) still gets every receipt
        final java.util.concurrent.BlockingQueue<Long> lambda = new java.util.concurrent.LinkedBlockingQueue<>();
        client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) -> lambda.add(id)).get(2, TimeUnit.SECONDS);
        session.receipt(13, DeliveryState.DELIVERED.code(), 1, 0, 1L, ChannelType.CHAT.code());
        assertThat(lambda.poll(2, TimeUnit.SECONDS)).isEqualTo(13L);
    }
}
