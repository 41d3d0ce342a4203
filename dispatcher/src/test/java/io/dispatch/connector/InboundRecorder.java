package io.dispatch.connector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link InboundSink} that records what a connector offers. By default every event is "journaled" at once;
 * {@link #hold()} keeps the answers back until the test completes them, {@link #refuse()} refuses them.
 */
public final class InboundRecorder implements InboundSink
{
    /** One offer and the future the connector waits on. */
    public record Offer(InboundEvent event, CompletableFuture<Boolean> answer)
    {
    }

    private final LinkedBlockingQueue<Offer> offers = new LinkedBlockingQueue<>();
    private volatile Boolean mode = Boolean.TRUE;

    public InboundRecorder hold()
    {
        mode = null;
        return this;
    }

    public InboundRecorder refuse()
    {
        mode = Boolean.FALSE;
        return this;
    }

    public InboundRecorder accept()
    {
        mode = Boolean.TRUE;
        return this;
    }

    @Override
    public CompletableFuture<Boolean> offer(final InboundEvent event)
    {
        final Boolean m = mode;
        final CompletableFuture<Boolean> answer = m == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(m);
        offers.add(new Offer(event, answer));
        return answer;
    }

    /** @return the next offer, failing the test if none comes within 30 s. */
    public Offer next() throws InterruptedException
    {
        final Offer o = offers.poll(30, TimeUnit.SECONDS);
        if (o == null)
        {
            throw new AssertionError("no inbound event within 30 s");
        }
        return o;
    }

    public boolean isEmpty()
    {
        return offers.isEmpty();
    }
}
