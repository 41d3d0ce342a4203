package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RequestHandoffTest
{
    /** The I/O thread, run by hand: tasks wait until the test runs them. */
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();
    private final RequestSender sender = new RequestSender(16, queued, new InFlightRequests(), () -> null);

    @Test
    void shouldScheduleOneDrainForABurstOfOffersAndAdmitThemAll()
    {
        final RequestHandoff handoff = handoff(config().maxQueuedRequests(1_000), loop::add);

        for (int i = 0; i < 500; i++)
        {
            handoff.offer(new StatusRequest(i));
        }

        assertThat(loop).hasSize(1);
        assertThat(handoff.queuedRequests()).isEqualTo(500);
        loop.poll().run();
        assertThat(sender.isEmpty()).isFalse();
        assertThat(flushes.get()).isEqualTo(1);
        handoff.offer(new StatusRequest(501));
        assertThat(loop).as("a new burst, a new drain").hasSize(1);
    }

    @Test
    void shouldAdmitAtMostTheDrainLimitPerTaskAndScheduleTheRest()
    {
        final RequestHandoff handoff = handoff(config(), loop::add);
        final List<PingRequest> pings = new ArrayList<>();
        for (int i = 0; i < RequestHandoff.DRAIN_LIMIT + 10; i++)
        {
            final PingRequest ping = new PingRequest();
            pings.add(ping);
            handoff.offer(ping);
        }

        loop.poll().run();

        assertThat(loop).as("the rest in a task of its own").hasSize(1);
        sender.failAll(new DispatchException(DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "first"));
        loop.poll().run();
        sender.failAll(new DispatchException(DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "second"));
        assertThat(pings.subList(0, RequestHandoff.DRAIN_LIMIT)).allSatisfy(p -> assertThat(detail(p.future)).isEqualTo("first"));
        assertThat(pings.subList(RequestHandoff.DRAIN_LIMIT, pings.size()))
            .allSatisfy(p -> assertThat(detail(p.future)).isEqualTo("second"));
    }

    @Test
    void shouldRefuseCreditedRequestsBeyondTheLocalBoundButNotControlRequests()
    {
        final RequestHandoff handoff = handoff(config().maxQueuedRequests(2), loop::add);
        final StatusRequest first = new StatusRequest(1);
        final StatusRequest second = new StatusRequest(2);
        final StatusRequest third = new StatusRequest(3);
        final PingRequest ping = new PingRequest();

        handoff.offer(first);
        handoff.offer(second);
        handoff.offer(third);
        handoff.offer(ping);

        assertThat(third.future.handle((x, e) -> e).join()).isInstanceOfSatisfying(DispatchException.class, e ->
        {
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.LOCAL);
            assertThat(e.code()).isEqualTo(ErrorCode.BACKPRESSURE);
        });
        assertThat(ping.future).isNotDone();
        assertThat(handoff.queuedRequests()).isEqualTo(2);
    }

    @Test
    void shouldFailOffersAtOnceAfterCloseOrATerminalFailure()
    {
        final RequestHandoff handoff = handoff(config(), loop::add);
        final DispatchException lost =
            new DispatchException(DispatchException.Kind.CONNECTION_LOST, ErrorCode.INTERNAL, "lost");

        handoff.refuse(lost);
        final StatusRequest afterFailure = new StatusRequest(1);
        handoff.offer(afterFailure);
        handoff.requestClose();
        final StatusRequest afterClose = new StatusRequest(2);
        handoff.offer(afterClose);

        assertThat(afterFailure.future.handle((x, e) -> e).join()).isSameAs(lost);
        assertThat(detail(afterClose.future)).isEqualTo("client is closed");
        assertThat(loop).isEmpty();
        assertThat(handoff.queuedRequests()).isZero();
    }

    @Test
    void shouldFailAnOfferTheIoThreadNoLongerTakes()
    {
        final RequestHandoff handoff = handoff(config(), task ->
        {
            throw new RejectedExecutionException("event loop shut down");
        });
        final StatusRequest request = new StatusRequest(1);

        handoff.offer(request);

        assertThat(request.future.handle((x, e) -> e).join()).isInstanceOfSatisfying(DispatchException.class, e ->
            assertThat(e.kind()).isEqualTo(DispatchException.Kind.CLOSED));
    }

    @Test
    void shouldCarryEveryOfferOfManyThreadsAcrossWithoutLosingOne() throws Exception
    {
        final java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor();
        try
        {
            final RequestHandoff handoff = handoff(config().maxQueuedRequests(100_000), io);
            final int threads = 4;
            final int perThread = 5_000;
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> producers = new ArrayList<>();
            final List<PingRequest> pings = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++)
            {
                final Thread producer = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    for (int i = 0; i < perThread; i++)
                    {
                        final PingRequest ping = new PingRequest();
                        pings.add(ping);
                        handoff.offer(ping);
                    }
                });
                producer.start();
                producers.add(producer);
            }
            start.countDown();
            for (final Thread producer : producers)
            {
                producer.join(TimeUnit.SECONDS.toMillis(20));
            }
            // a last drain on the I/O thread after every offer: it sees everything offered before it
            final CompletableFuture<Void> failed = CompletableFuture.runAsync(() ->
            {
                handoff.admitAll();
                sender.failAll(new DispatchException(DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "end"));
            }, io);
            failed.get(20, TimeUnit.SECONDS);

            assertThat(pings).hasSize(threads * perThread);
            assertThat(pings).allSatisfy(p -> assertThat(detail(p.future)).isEqualTo("end"));
        }
        finally
        {
            io.shutdownNow();
        }
    }

    private RequestHandoff handoff(final ClientConfig.Builder config, final java.util.concurrent.Executor executor)
    {
        return new RequestHandoff(config.build(), executor, queued, sender, flushes::incrementAndGet);
    }

    private static ClientConfig.Builder config()
    {
        return ClientConfig.builder().port(7700).requestTimeoutMs(10_000);
    }

    private static String detail(final CompletableFuture<?> future)
    {
        final Throwable failure = future.handle((x, e) -> e).join();
        return failure instanceof DispatchException ? ((DispatchException)failure).detail() : String.valueOf(failure);
    }
}
