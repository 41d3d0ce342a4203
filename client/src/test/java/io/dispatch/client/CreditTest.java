package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class CreditTest extends PeerTestBase
{
    @Test
    void shouldSendOnlyAsManyRequestsAsCreditAllows() throws Exception
    {
        peer.initialCredit = 2;
        peer.autoCredit = false;
        final DispatchClient client = connect(config());
        final List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            futures.add(client.submit(message("c" + i)));
        }

        assertThat(peer.nextRequest(MessageType.SUBMIT, 2000).recipient()).isEqualTo("c0");
        assertThat(peer.nextRequest(MessageType.SUBMIT, 2000).recipient()).isEqualTo("c1");
        assertThat(peer.nextRequest(MessageType.SUBMIT, 300)).as("a third request without credit").isNull();
        await("first two answered", () -> futures.get(0).isDone() && futures.get(1).isDone());
        assertThat(futures.subList(2, 5)).noneMatch(CompletableFuture::isDone);
        assertThat(client.availableCredit()).isZero();
        assertThat(client.queuedRequests()).isEqualTo(3);

        peer.awaitSession(1, 1000).grant(3);

        for (final CompletableFuture<SubmitResult> f : futures)
        {
            assertThat(f.get(2, TimeUnit.SECONDS).messageId()).isPositive();
        }
        assertThat(peer.creditViolations.get()).isZero();
        assertThat(client.queuedRequests()).isZero();
    }

    @Test
    void shouldNotOverspendCreditWhenWritabilityFlipsDuringAWrite() throws Exception
    {
        // Big messages push the outbound buffer past its high-water mark, so Netty reports the channel writable
        // again from inside our own flush: the re-entrant write must not reuse credit already spent.
        peer.initialCredit = 500;
        peer.autoCredit = false;
        final DispatchClient client = connect(config().maxBatchSize(1));
        final Submit big = Submit.builder().to("01012345678").text("x".repeat(3000)).build();
        final List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            futures.add(client.submit(big));
        }

        await("500 answered", () -> futures.stream().filter(CompletableFuture::isDone).count() >= 500);
        Thread.sleep(200);
        assertThat(peer.creditViolations.get()).isZero();
        assertThat(futures.stream().filter(CompletableFuture::isDone).count()).isEqualTo(500);
        assertThat(client.availableCredit()).isZero();
        assertThat(client.queuedRequests()).isEqualTo(500);
    }

    @Test
    void shouldFailFastWithBackpressureBeyondTheLocalQueueBound() throws Exception
    {
        peer.initialCredit = 0;
        final DispatchClient client = connect(config().maxQueuedRequests(3));
        final List<CompletableFuture<SubmitResult>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            queued.add(client.submit(message("q" + i)));
        }

        final CompletableFuture<SubmitResult> refused = client.submit(message("q3"));
        final AtomicReference<ErrorCode> listenerCode = new AtomicReference<>();
        final AtomicReference<Thread> listenerThread = new AtomicReference<>();
        client.submit(message("q4"), new SubmitListener()
        {
            @Override
            public void onAck(final long messageId, final boolean duplicate)
            {
            }

            @Override
            public void onNack(final ErrorCode code, final String detail)
            {
                listenerCode.set(code);
                listenerThread.set(Thread.currentThread());
            }
        });

        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((r, e) -> e).join()).isInstanceOfSatisfying(DispatchException.class, e ->
        {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKPRESSURE);
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.LOCAL);
            assertThat(e.retriable()).isTrue();
        });
        assertThat(listenerCode.get()).isEqualTo(ErrorCode.BACKPRESSURE);
        assertThat(listenerThread.get()).isSameAs(Thread.currentThread());
        assertThat(queued).noneMatch(CompletableFuture::isDone);

        peer.awaitSession(1, 1000).grant(3);
        for (final CompletableFuture<SubmitResult> f : queued)
        {
            assertThat(f.get(2, TimeUnit.SECONDS).messageId()).isPositive();
        }
        assertThat(peer.requests.stream().filter(r -> r.type() == MessageType.SUBMIT).count()).isEqualTo(3);
    }

    @Test
    void shouldSurfaceNackCodeAndDetail() throws Exception
    {
        peer.submitRule = r -> ErrorCode.UNKNOWN_TEMPLATE;
        final DispatchClient client = connect(config());

        final CompletableFuture<SubmitResult> future = client.submit(message("n1"));

        assertThat(future.handle((r, e) -> e).get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e ->
            {
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.NACK);
                assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TEMPLATE);
                assertThat(e.detail()).isEqualTo("refused by rule: n1");
                assertThat(e.retriable()).isFalse();
            });

        final CompletableFuture<String> viaListener = new CompletableFuture<>();
        client.submit(message("n2"), new SubmitListener()
        {
            @Override
            public void onAck(final long messageId, final boolean duplicate)
            {
                viaListener.complete("ack");
            }

            @Override
            public void onNack(final ErrorCode code, final String detail)
            {
                viaListener.complete(code + " " + detail);
            }
        });
        assertThat(viaListener.get(2, TimeUnit.SECONDS)).isEqualTo("UNKNOWN_TEMPLATE refused by rule: n2");
    }

    @Test
    void shouldPassRetriableNacksToTheCallerWithoutRetrying() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config());
        final CompletableFuture<SubmitResult> future = client.submit(message("x"));
        final ScriptedPeer.Request r = peer.nextRequest(MessageType.SUBMIT, 2000);

        r.session().nack(r.correlationId(), ErrorCode.CREDIT_EXCEEDED, "no credit");

        assertThat(future.handle((x, e) -> e).get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
            DispatchException.class, e ->
            {
                assertThat(e.code()).isEqualTo(ErrorCode.CREDIT_EXCEEDED);
                assertThat(e.retriable()).isTrue();
            });
        assertThat(peer.nextRequest(MessageType.SUBMIT, 300)).as("an automatic retry").isNull();
    }

    @Test
    void shouldSpendCreditOnStatusToo() throws Exception
    {
        peer.initialCredit = 1;
        peer.autoCredit = false;
        final DispatchClient client = connect(config());

        final CompletableFuture<StatusResult> first = client.status(1);
        final CompletableFuture<StatusResult> second = client.status(2);

        assertThat(first.get(2, TimeUnit.SECONDS).messageId()).isEqualTo(1);
        assertThat(peer.nextRequest(MessageType.STATUS, 2000).statusId()).isEqualTo(1);
        assertThat(peer.nextRequest(MessageType.STATUS, 300)).isNull();
        assertThat(second).isNotDone();

        peer.awaitSession(1, 1000).grant(1);
        assertThat(second.get(2, TimeUnit.SECONDS).messageId()).isEqualTo(2);
    }
}
