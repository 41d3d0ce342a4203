package io.dispatch.connector.http;

import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands a webhook call's events to the engine and decides its answer: the platform gets its success answer only
 * once every event is journaled, and a retriable error (so it redelivers) when one was refused or the journal did
 * not confirm in time. Events are offered in the order the platform sent them, so a user's {@code friend off} then
 * {@code on} is journaled in that order.
 */
public final class InboundOffers
{
    private InboundOffers()
    {
    }

    /**
     * @param timeoutMs how long to wait for the journal before answering {@code retry}: below the platform's read
     *                  timeout, so it gets an answer rather than a cut connection.
     */
    public static CompletableFuture<HttpReceiver.Answer> offerAll(
        final InboundSink sink,
        final List<InboundEvent> events,
        final HttpReceiver.Answer ok,
        final HttpReceiver.Answer retry,
        final long timeoutMs)
    {
        if (events.isEmpty())
        {
            return CompletableFuture.completedFuture(ok);
        }
        final CompletableFuture<?>[] offered = new CompletableFuture<?>[events.size()];
        final boolean[] refused = {false};
        for (int i = 0; i < offered.length; i++)
        {
            CompletableFuture<Boolean> f;
            try
            {
                f = sink.offer(events.get(i));
            }
            catch (final RuntimeException ex)
            {
                f = CompletableFuture.completedFuture(Boolean.FALSE);
            }
            offered[i] = f.thenAccept(journaled ->
            {
                if (!Boolean.TRUE.equals(journaled))
                {
                    synchronized (refused)
                    {
                        refused[0] = true;
                    }
                }
            });
        }
        return CompletableFuture.allOf(offered)
            .thenApply(ignored ->
            {
                synchronized (refused)
                {
                    return refused[0] ? retry : ok;
                }
            })
            .exceptionally(failure -> retry)
            .completeOnTimeout(retry, timeoutMs, TimeUnit.MILLISECONDS);
    }
}
