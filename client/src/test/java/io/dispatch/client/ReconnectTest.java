package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectTest extends PeerTestBase
{
    @Test
    void shouldReconnectAndRestoreReceiptSubscriptions() throws Exception
    {
        final DispatchClient client = connect(config());
        final BlockingQueue<String> receipts = new LinkedBlockingQueue<>();
        client.subscribeReceipts(Frames.SCOPE_TENANT, (id, state, attempts, reason, at) ->
            receipts.add(id + " " + state + " " + attempts + " " + reason + " " + at)).get(2, TimeUnit.SECONDS);
        assertThat(peer.nextRequest(MessageType.SUBSCRIBE, 1000).scope()).isEqualTo(Frames.SCOPE_TENANT);

        peer.awaitSession(1, 1000).drop();
        await("disconnected", () -> !client.isConnected());

        final ScriptedPeer.Session second = peer.awaitSession(2, 5000);
        final ScriptedPeer.Request restored = peer.nextRequest(MessageType.SUBSCRIBE, 2000);
        assertThat(restored).isNotNull();
        assertThat(restored.session()).isSameAs(second);
        assertThat(restored.scope()).isEqualTo(Frames.SCOPE_TENANT);
        await("connected again", client::isConnected);

        second.receipt(42, DeliveryState.DELIVERED.code(), 1, 0, 1_700_000_000_000L);
        assertThat(receipts.poll(2, TimeUnit.SECONDS)).isEqualTo("42 DELIVERED 1 NONE 1700000000000");
        assertThat(client.submit(message("after")).get(2, TimeUnit.SECONDS).messageId()).isPositive();
        assertThat(peer.nextRequest(MessageType.SUBSCRIBE, 200)).as("restored only once").isNull();
        assertThat(Reason.NONE.code()).isZero();
    }

    @Test
    void shouldFailInFlightRequestsOnConnectionLossAndSendQueuedOnesAfterReconnect() throws Exception
    {
        peer.initialCredit = 1;
        peer.autoAnswer = false;
        peer.autoCredit = false;
        final DispatchClient client = connect(config());
        final CompletableFuture<SubmitResult> inFlight = client.submit(message("sent"));
        final CompletableFuture<SubmitResult> waiting = client.submit(message("queued"));
        assertThat(peer.nextRequest(MessageType.SUBMIT, 2000).recipient()).isEqualTo("sent");
        await("second one queued", () -> client.queuedRequests() == 1);

        peer.autoAnswer = true;
        peer.awaitSession(1, 1000).drop();

        assertThat(inFlight.handle((r, e) -> e).get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e ->
            {
                assertThat(e.connectionLost()).isTrue();
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.CONNECTION_LOST);
                assertThat(e.retriable()).isTrue();
            });
        final ScriptedPeer.Request resent = peer.nextRequest(MessageType.SUBMIT, 5000);
        assertThat(resent.recipient()).isEqualTo("queued");
        assertThat(resent.session().sessionId).isEqualTo(2);
        assertThat(waiting.get(2, TimeUnit.SECONDS).messageId()).isPositive();
    }

    @Test
    void shouldHoldRequestsAfterTheEnginesGoodbyeForTheNextConnection() throws Exception
    {
        final DispatchClient client = connect(config());
        final ScriptedPeer.Session first = peer.awaitSession(1, 1000);
        first.send(b -> ByteBufFrames.goodbye(b, 0, 0));
        await("goodbye seen", () -> !client.isConnected());

        final CompletableFuture<SubmitResult> held = client.submit(message("held"));
        assertThat(peer.nextRequest(MessageType.SUBMIT, 300)).as("a request written after GOODBYE").isNull();
        first.drop();

        final ScriptedPeer.Request sent = peer.nextRequest(MessageType.SUBMIT, 5000);
        assertThat(sent.session().sessionId).isEqualTo(2);
        assertThat(held.get(2, TimeUnit.SECONDS).messageId()).isPositive();
    }

    @Test
    void shouldReportTheEnginesGoodbyeAndWaitItsRetryHintBeforeReconnecting() throws Exception
    {
        // the hint (1.5 s) is far above the backoff (20..100 ms) but within reconnectMaxBackoffMs (5 s)
        final DispatchClient client = connect(config().reconnectMaxBackoffMs(5_000));
        final ScriptedPeer.Session first = peer.awaitSession(1, 1000);
        assertThat(client.lastGoodbye()).isNull();

        first.send(b -> ByteBufFrames.goodbye(b, 0, ErrorCode.SHUTTING_DOWN.code(), 1_500));
        await("goodbye seen", () -> client.lastGoodbye() != null);
        final long droppedAtNs = System.nanoTime();
        first.drop();

        assertThat(client.lastGoodbye().reason()).isEqualTo(ErrorCode.SHUTTING_DOWN);
        assertThat(client.lastGoodbye().retryAfterMs()).isEqualTo(1_500);
        peer.awaitSession(2, 10_000);
        // a lower bound only: a busy machine makes the reconnect later, never earlier
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - droppedAtNs)).isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void shouldKeepRetryingWhileTheEngineIsAwayAndRejectWhenReconnectIsOff() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config().reconnect(false));
        final CompletableFuture<SubmitResult> inFlight = client.submit(message("a"));
        peer.nextRequest(MessageType.SUBMIT, 2000);

        peer.awaitSession(1, 1000).drop();

        assertThat(inFlight.handle((r, e) -> e).get(2, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(DispatchException.class, e -> assertThat(e.connectionLost()).isTrue());
        await("disconnected", () -> !client.isConnected());
        final CompletableFuture<SubmitResult> after = client.submit(message("b"));
        assertThat(after.handle((r, e) -> e).get(2, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(DispatchException.class, e ->
            {
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.CONNECTION_LOST);
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            });
        Thread.sleep(200);
        assertThat(peer.sessions).hasSize(1);
    }
}
