package io.dispatch.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestQueueTest
{
    @Test
    void shouldDeliverEveryOfferOnceAndInEachProducersOrder() throws Exception
    {
        final int producers = 4;
        final int perProducer = 100_000;
        final RequestQueue queue = new RequestQueue();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            final Thread t = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < perProducer; i++)
                {
                    final Request r = new PingRequest();
                    r.correlationId = ((long)producer << 32) | i;
                    queue.offer(r);
                }
            });
            threads.add(t);
            t.start();
        }
        start.countDown();

        final int[] nextExpected = new int[producers];
        int received = 0;
        while (received < producers * perProducer)
        {
            final Request r = queue.poll();
            if (r == null)
            {
                Thread.onSpinWait();
                continue;
            }
            final int producer = (int)(r.correlationId >>> 32);
            assertThat((int)r.correlationId).isEqualTo(nextExpected[producer]);
            nextExpected[producer]++;
            received++;
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }
}
