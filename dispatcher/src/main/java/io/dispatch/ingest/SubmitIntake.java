package io.dispatch.ingest;

import io.dispatch.ring.DispatchEvent;

/**
 * Where a client's SUBMIT goes once the session validated it. Without one (the single-node engine) the session
 * publishes into the dispatch ring itself, as it always did; cluster mode installs one that writes the message to
 * the cluster's log instead, and the node owning the recipient's partition feeds it into its own ring through an
 * {@link AcceptedPublisher} (docs/design/cluster.md).
 * <p>
 * Dry runs never come here: they are explained by the node the client is connected to.
 */
public interface SubmitIntake
{
    /**
     * Called on the session's event loop. {@code e} is the session's own scratch event (not a ring slot), filled
     * exactly as a ring SUBMIT would be; it is reused for the next SUBMIT as soon as this returns. The intake must
     * answer exactly once, on the session's event loop ({@link SessionHandler#eventLoop()}), through
     * {@link SessionHandler#answerTaken}.
     */
    void submit(SessionHandler session, long correlationId, DispatchEvent e);
}
