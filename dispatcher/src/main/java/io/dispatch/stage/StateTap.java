package io.dispatch.stage;

/**
 * Cluster mode: the status stage hands every accepted message and state change to the tap, which publishes them
 * for the whole cluster (the node a client is connected to answers its STATUS and delivers its receipts, not the
 * node that sends the message). Called on the status stage's thread only; must not block or allocate.
 */
public interface StateTap
{
    /**
     * A message entered the status table.
     *
     * @param sourceId the id the message was accepted under elsewhere (a session-less SUBMIT's correlation id: cluster
     *                 mode's id), 0 for a message accepted here (a campaign's).
     */
    void accepted(long messageId, long sourceId, int tenantId, byte channel, byte kind, long atMs);

    /**
     * At a start, before the ring runs (so not on the status stage's thread, but before it starts): a message the
     * journal's recovery resumes was accepted under {@code sourceId} elsewhere (its ACCEPTED record's source id), so
     * its later changes are that id's.
     */
    void recovered(long messageId, long sourceId);

    /**
     * A state change of a message in the status table, with the channel now in use.
     *
     * @return true when the tap routes the change to the subscribers itself: the status stage then offers it to no
     *         session (each session's receipt queue has one producer).
     */
    boolean state(long messageId, byte state, byte attempts, short reason, long atMs, byte channel, byte kind,
        int tenantId);

    /**
     * A CANCEL forwarded from another node was decided ({@code request}: the session-less CANCEL's correlation id).
     *
     * @param outcome {@code DispatchEvent.CANCEL_DONE}, {@code CANCEL_NOT_DEFERRED} or {@code CANCEL_NOT_FOUND}.
     */
    void cancelled(long request, long messageId, byte outcome);
}
