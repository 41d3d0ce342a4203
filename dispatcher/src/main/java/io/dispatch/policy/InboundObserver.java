package io.dispatch.policy;

import io.dispatch.connector.InboundEvent;

/**
 * Told of every inbound event once it is journaled, on the policy stage's thread (the journal thread), and again by
 * recovery for every INBOUND record in journal order, so state built from it (a conversation window) survives a
 * restart. Must not block and should not allocate per call beyond what it keeps.
 */
@FunctionalInterface
public interface InboundObserver
{
    InboundObserver NONE = (tenantId, channel, recipientKey, to, kind, atMs) -> { };

    /**
     * @param recipientKey the key of the sender's address ({@link RecipientKeys}), as a SUBMIT to that address has.
     * @param to           the business address it was sent to (a page or partner id, a sender number), or "".
     * @param atMs         when the connector received it.
     */
    void onInbound(int tenantId, byte channel, long recipientKey, String to, InboundEvent.Kind kind, long atMs);
}
