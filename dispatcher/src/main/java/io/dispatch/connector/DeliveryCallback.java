package io.dispatch.connector;

import io.dispatch.protocol.Reason;

/** The three outcomes of a send. Call exactly one, once, from any thread. */
public interface DeliveryCallback
{
    /** The provider took responsibility; a receipt may follow through {@link ReceiptSink}. */
    void onAccepted(DeliveryRequest request);

    /** Permanent refusal: never retried. */
    void onRejected(DeliveryRequest request, Reason reason);

    /**
     * Transient failure: the runtime retries with backoff within the lane's budget.
     *
     * @param retryAfterMs the provider's hint (e.g. Retry-After), or 0 for the runtime's own backoff.
     */
    void onFailed(DeliveryRequest request, Reason reason, long retryAfterMs);
}
