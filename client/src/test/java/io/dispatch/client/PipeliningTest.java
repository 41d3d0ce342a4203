package io.dispatch.client;

import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PipeliningTest extends PeerTestBase
{
    @Test
    void shouldMatchOutOfOrderAnswersToTheirRequests() throws Exception
    {
        peer.autoAnswer = false;
        final DispatchClient client = connect(config().maxBatchSize(1));
        final List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            futures.add(client.submit(message("r" + i)));
        }
        final List<ScriptedPeer.Request> received = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            received.add(peer.nextRequest(MessageType.SUBMIT, 2000));
        }
        assertThat(received).extracting(ScriptedPeer.Request::recipient).containsExactly("r0", "r1", "r2");
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        // Answer in reverse order; each message id encodes its recipient.
        for (int i = 2; i >= 0; i--)
        {
            final ScriptedPeer.Request r = received.get(i);
            r.session().ack(r.correlationId(), 100 + i, i == 1);
        }

        assertThat(futures.get(0).get(2, TimeUnit.SECONDS)).isEqualTo(new SubmitResult(100, false));
        assertThat(futures.get(1).get(2, TimeUnit.SECONDS)).isEqualTo(new SubmitResult(101, true));
        assertThat(futures.get(2).get(2, TimeUnit.SECONDS)).isEqualTo(new SubmitResult(102, false));
    }

    @Test
    void shouldBatchQueuedSubmitsWithConsecutiveCorrelationIds() throws Exception
    {
        peer.initialCredit = 0;
        peer.autoAnswer = false;
        final DispatchClient client = connect(config());
        final List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            futures.add(client.submit(message("b" + i)));
        }
        await("5 queued", () -> client.queuedRequests() == 5);
        assertThat(peer.nextFrame(MessageType.SUBMIT_BATCH, 200)).isNull();

        peer.awaitSession(1, 1000).grant(5);

        final ScriptedPeer.Frame batch = peer.nextFrame(MessageType.SUBMIT_BATCH, 2000);
        assertThat(batch).isNotNull();
        assertThat(ByteBuffer.wrap(batch.body()).order(ByteOrder.LITTLE_ENDIAN).getShort(0)).isEqualTo((short)5);
        final List<ScriptedPeer.Request> items = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            items.add(peer.nextRequest(MessageType.SUBMIT, 1000));
        }
        for (int i = 0; i < 5; i++)
        {
            assertThat(items.get(i).batched()).isTrue();
            assertThat(items.get(i).recipient()).isEqualTo("b" + i);
            assertThat(items.get(i).correlationId()).isEqualTo(batch.correlationId() + i);
        }
        // Answer items out of order: 4, 2, 0, 3, 1.
        for (final int i : new int[] {4, 2, 0, 3, 1})
        {
            items.get(i).session().ack(items.get(i).correlationId(), 500 + i, false);
        }
        for (int i = 0; i < 5; i++)
        {
            assertThat(futures.get(i).get(2, TimeUnit.SECONDS).messageId()).isEqualTo(500 + i);
        }
        assertThat(client.queuedRequests()).isZero();
    }

    @Test
    void shouldSplitBatchesAtTheEnginesFrameCapAndRefuseOversizedSubmits() throws Exception
    {
        peer.initialCredit = 0;
        peer.maxFrameLength = 200;
        final DispatchClient client = connect(config());
        final List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            futures.add(client.submit(Submit.builder().to("0101234567" + i).text("x".repeat(40)).build()));
        }
        final CompletableFuture<SubmitResult> oversized =
            client.submit(Submit.builder().to("01000000000").text("y".repeat(300)).build());
        await("7 queued", () -> client.queuedRequests() == 7);

        peer.awaitSession(1, 1000).grant(7);

        for (final CompletableFuture<SubmitResult> f : futures)
        {
            assertThat(f.get(2, TimeUnit.SECONDS).messageId()).isPositive();
        }
        assertThat(oversized).failsWithin(2, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
            .havingCause().isInstanceOfSatisfying(DispatchException.class, e ->
            {
                assertThat(e.kind()).isEqualTo(DispatchException.Kind.LOCAL);
                assertThat(e.code()).isEqualTo(io.dispatch.protocol.ErrorCode.FRAME_TOO_LARGE);
            });
        int batches = 0;
        for (final ScriptedPeer.Frame f : peer.frames)
        {
            assertThat(f.body().length + 16).isLessThanOrEqualTo(200);
            batches += f.type() == MessageType.SUBMIT_BATCH ? 1 : 0;
        }
        assertThat(batches).isGreaterThan(1);
    }

    @Test
    void shouldDeliverEveryAckExactlyOnceUnderConcurrentSubmitters() throws Exception
    {
        peer.initialCredit = 256;
        final DispatchClient client = connect(config());
        final int threads = 4;
        final int perThread = 5000;
        final Set<Long> messageIds = ConcurrentHashMap.newKeySet();
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger nacks = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(threads * perThread);
        final SubmitListener listener = new SubmitListener()
        {
            @Override
            public void onAck(final long messageId, final boolean duplicate)
            {
                messageIds.add(messageId);
                acks.incrementAndGet();
                done.countDown();
            }

            @Override
            public void onNack(final io.dispatch.protocol.ErrorCode code, final String detail)
            {
                nacks.incrementAndGet();
                done.countDown();
            }
        };
        final Submit submit = message("01012345678");
        final List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread thread = new Thread(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    client.submit(submit, listener);
                }
            });
            submitters.add(thread);
            thread.start();
        }
        for (final Thread thread : submitters)
        {
            thread.join();
        }

        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(nacks.get()).isZero();
        assertThat(acks.get()).isEqualTo(threads * perThread);
        assertThat(messageIds).hasSize(threads * perThread);
        assertThat(peer.creditViolations.get()).isZero();
        assertThat(peer.requests.stream().filter(r -> r.type() == MessageType.SUBMIT).count())
            .isEqualTo(threads * perThread);
    }
}
