package io.dispatch.connector;

import java.util.concurrent.CompletableFuture;

/**
 * Where a connector hands what users send (see {@link InboundEvent}). The engine journals each event before it
 * reaches subscribers, the consent ledger or the conversation window, so a connector answers its platform's
 * webhook only once the returned future completes: {@code true} means journaled (answer 200), {@code false} means
 * refused (disk full, engine stopping, unknown tenant: answer a retriable error so the platform redelivers).
 * Thread-safe; never blocks.
 */
@FunctionalInterface
public interface InboundSink
{
    /** Refuses everything: the default of a context with no engine behind it. */
    InboundSink NONE = event -> CompletableFuture.completedFuture(Boolean.FALSE);

    CompletableFuture<Boolean> offer(InboundEvent event);
}
