package io.dispatch.inbound;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completes the futures of {@code InboundSink.offer} off the ring thread: a connector's continuation (answering its
 * platform's webhook) must never run on a ring stage. One daemon thread; inbound events are rare, so the hand-off may
 * allocate.
 */
public final class InboundAnswers implements AutoCloseable
{
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
    {
        final Thread t = new Thread(r, "inbound-answers");
        t.setDaemon(true);
        return t;
    });

    private final AtomicLong journaled = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public void answer(final CompletableFuture<Boolean> future, final boolean journaled)
    {
        (journaled ? this.journaled : refused).incrementAndGet();
        try
        {
            executor.execute(() -> future.complete(journaled));
        }
        catch (final RejectedExecutionException ex)
        {
            future.complete(journaled); // stopping: nothing of the engine waits on this thread any more
        }
    }

    /** Events answered true: journaled now, or a redelivery of one journaled before. */
    public long journaled()
    {
        return journaled.get();
    }

    /** Events the ring took but could not journal (disk full, a journal fault). */
    public long refused()
    {
        return refused.get();
    }

    @Override
    public void close()
    {
        executor.shutdown();
    }
}
