package io.dispatch.cluster;

import io.dispatch.ingest.SessionHandler;
import io.dispatch.ingest.RequestRouter;

/**
 * STATUS and CANCEL of a cluster id, from whichever node the client reached: answered by this node's
 * {@link StatusFollower} from the status topic (STATUS), or forwarded to the message's partition for its owner
 * (CANCEL). Node-local ids (a campaign's messages) stay with the ring. Resumed receipt subscriptions go to
 * {@link ClusterReceipts}.
 */
final class ClusterRouter implements RequestRouter
{
    /** Set once the engine runs (the follower needs its sessions); clients may connect a moment before. */
    private volatile StatusFollower follower;
    private volatile ClusterReceipts receipts;

    void follower(final StatusFollower follower)
    {
        this.follower = follower;
    }

    void receipts(final ClusterReceipts receipts)
    {
        this.receipts = receipts;
    }

    @Override
    public boolean resumeReceipts(final SessionHandler session, final long afterPosition,
        final io.dispatch.ingest.ResumedReceipts answer)
    {
        final ClusterReceipts r = receipts;
        if (r == null)
        {
            answer.refuse(io.dispatch.protocol.ErrorCode.BACKPRESSURE, "the node is still starting; retry");
            return true;
        }
        r.resume(session, afterPosition, answer);
        return true;
    }

    @Override
    public boolean status(final SessionHandler session, final long correlationId, final long messageId)
    {
        return route(false, session, correlationId, messageId);
    }

    @Override
    public boolean cancel(final SessionHandler session, final long correlationId, final long messageId)
    {
        return route(true, session, correlationId, messageId);
    }

    private boolean route(final boolean cancel, final SessionHandler session, final long correlationId,
        final long messageId)
    {
        if (!ClusterMessageIds.isClusterId(messageId))
        {
            return false;
        }
        final StatusFollower f = follower;
        if (f == null)
        {
            session.eventLoop().execute(() -> session.answerRefused(correlationId,
                io.dispatch.protocol.ErrorCode.BACKPRESSURE, "the node is still starting; retry"));
            return true;
        }
        f.request(new StatusFollower.Request(cancel, session, correlationId, messageId,
            System.nanoTime() + StatusFollower.UNKNOWN_WAIT_NS));
        return true;
    }
}
