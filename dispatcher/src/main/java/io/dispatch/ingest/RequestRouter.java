package io.dispatch.ingest;

/**
 * Cluster mode: answers STATUS and CANCEL of messages this node's ring does not hold (the ids a cluster node hands
 * out name the partition, and so the node, that sends them). Without one (the single-node engine) the ring answers
 * every request, as it always did (docs/design/cluster.md).
 * <p>
 * Called on the session's event loop; a request the router takes is answered exactly once, later, on that event
 * loop, through {@link SessionHandler#answerStatus}, {@link SessionHandler#answerCancel} or
 * {@link SessionHandler#answerRefused}.
 */
public interface RequestRouter
{
    /** @return false when {@code messageId} is not one of the router's (a node-local id): the ring answers it. */
    boolean status(SessionHandler session, long correlationId, long messageId);

    /** @return false when {@code messageId} is not one of the router's (a node-local id): the ring answers it. */
    boolean cancel(SessionHandler session, long correlationId, long messageId);

    /**
     * SUBSCRIBE with a resume position (scope 1): the router checks {@code afterPosition} and answers through
     * {@code answer}, on the session's event loop.
     *
     * @return false when the router serves no resumed receipts: the engine refuses the SUBSCRIBE.
     */
    default boolean resumeReceipts(final SessionHandler session, final long afterPosition,
        final ResumedReceipts answer)
    {
        return false;
    }
}
