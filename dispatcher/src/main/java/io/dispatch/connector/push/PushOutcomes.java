package io.dispatch.connector.push;

import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/** The acceptance step shared by the APNs and FCM connectors. */
public final class PushOutcomes
{
    private PushOutcomes()
    {
    }

    /**
     * Reports acceptance and, right after it, DELIVERED. APNs and FCM never send a delivery receipt, so
     * without the receipt the lane would end every accepted push EXPIRED(RECEIPT_TIMEOUT) once
     * {@code receiptTimeoutMs} passed. On push lanes DELIVERED therefore means "the provider took it".
     */
    public static void accepted(final DeliveryRequest request, final DeliveryCallback callback, final ReceiptSink receipts)
    {
        final long messageId = request.messageId(); // the request is reused once the callback returns
        callback.onAccepted(request);
        receipts.onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
    }
}
