package io.dispatch.testing;

import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Submit;

import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Submits a benchmark's messages the way a real client must: at most {@code maxOutstanding} unanswered,
 * and a NACK the engine marks retriable (BACKPRESSURE while its ring is full) submitted again with the
 * same idempotency key. Without the resubmission those messages never get a receipt and a benchmark
 * that waits for every receipt runs into its time bound.
 */
public final class BenchSubmitter
{
    private BenchSubmitter()
    {
    }

    /**
     * @param message builds message {@code i}; give each its own idempotency key, so a resubmission after
     *                an unknown outcome (timeout) cannot send it twice.
     */
    public static void submitAll(
        final DispatchClient client, final int n, final int maxOutstanding, final IntFunction<Submit> message)
        throws InterruptedException
    {
        final Semaphore outstanding = new Semaphore(maxOutstanding);
        final Queue<Integer> again = new ConcurrentLinkedQueue<>();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        int next = 0;
        while (answered.get() < n)
        {
            Integer i = again.poll();
            if (i != null)
            {
                LockSupport.parkNanos(100_000); // let the ring drain a little
            }
            else if (next < n)
            {
                i = next++;
            }
            else
            {
                Thread.sleep(1);
                continue;
            }
            outstanding.acquire();
            final int index = i;
            client.submit(message.apply(index)).whenComplete((r, e) ->
            {
                final Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof DispatchException d && d.retriable())
                {
                    again.add(index);
                }
                else
                {
                    if (cause != null)
                    {
                        refused.incrementAndGet();
                    }
                    answered.incrementAndGet();
                }
                outstanding.release();
            });
        }
        assertThat(refused.get()).as("submits refused for good").isZero();
    }
}
