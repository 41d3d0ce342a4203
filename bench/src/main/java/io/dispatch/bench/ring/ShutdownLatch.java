package io.dispatch.bench.ring;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ring.DispatchEvent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Last stage of a chain: does nothing per event, and opens when its consumer thread has run the
 * {@code onShutdown} of every stage before it. {@code RingTopology.close()} halts the consumers without
 * joining them, so the journal's appender may still be closing on the ring thread when close returns;
 * the benchmark waits on this before closing the queue underneath it. Thread-safe.
 */
final class ShutdownLatch implements EventHandler<DispatchEvent>
{
    private final CountDownLatch latch = new CountDownLatch(1);

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
    }

    @Override
    public void onShutdown()
    {
        latch.countDown();
    }

    /** @return false if the stages before it had not shut down within {@code timeoutMs}. */
    boolean await(final long timeoutMs) throws InterruptedException
    {
        return latch.await(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
