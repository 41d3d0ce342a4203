package io.dispatch.connector.smpp;

/**
 * What the {@link ReceiptCorrelator} must remember across a restart: which provider ids belong to an accepted
 * message, which parts of it were already delivered, and when the message ended. Implementations never block and
 * are safe to call from any thread (the submitting workers and jSMPP's PDU threads).
 */
interface CorrelationLog
{
    /** Keeps nothing: receipts are correlated in memory only. */
    CorrelationLog NONE = new CorrelationLog()
    {
        @Override
        public void onAccepted(final long messageId, final String[] providerIds, final long atMs)
        {
        }

        @Override
        public void onPartDelivered(final String providerId)
        {
        }

        @Override
        public void onEnded(final long messageId)
        {
        }
    };

    /** Every part of {@code messageId} was accepted, each under its provider id; the array is not kept. */
    void onAccepted(long messageId, String[] providerIds, long atMs);

    /** A DELIVERED receipt for one part of a multipart message. */
    void onPartDelivered(String providerId);

    /** The message's receipt went to the runtime: nothing about it needs to be restored. */
    void onEnded(long messageId);
}
