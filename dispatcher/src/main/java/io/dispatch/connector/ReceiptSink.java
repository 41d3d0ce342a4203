package io.dispatch.connector;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/** Where a connector reports delivery receipts that arrive after the provider accepted a message. Thread-safe. */
public interface ReceiptSink
{
    /**
     * @param messageId the id the runtime gave in {@link DeliveryRequest#messageId()}.
     * @param state     DELIVERED, FAILED or EXPIRED.
     */
    void onReceipt(long messageId, DeliveryState state, Reason reason);
}
