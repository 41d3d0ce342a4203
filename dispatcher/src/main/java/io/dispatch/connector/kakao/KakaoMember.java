package io.dispatch.connector.kakao;

import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;

/**
 * One message on its way to the relay, built on the lane thread and handed to the connector's event loop: the
 * request parts from {@link KakaoRequestWriter} and the callback its outcome goes to.
 */
final class KakaoMember
{
    final DeliveryRequest request;
    final DeliveryCallback callback;
    final long messageId;
    final String path;
    /** Request fields shared by every recipient of a batch; with {@link #path} and {@link #tenant} the batch key. */
    final String head;
    final String recipient;
    final String tenant;
    /** Sent in a request of its own (auth, or informational outside a campaign): never waits for a batch. */
    final boolean alone;
    /** The whole body of a request carrying this member alone, or null when it is sent only in batches. */
    final byte[] single;

    KakaoMember(
        final DeliveryRequest request,
        final DeliveryCallback callback,
        final String path,
        final String head,
        final String recipient,
        final boolean alone,
        final byte[] single)
    {
        this.request = request;
        this.callback = callback;
        this.messageId = request.messageId();
        this.path = path;
        this.head = head;
        this.recipient = recipient;
        this.tenant = request.tenant();
        this.alone = alone;
        this.single = single;
    }

    /** @return the key of the batch this member may join: same API path, shared fields and tenant. */
    String batchKey()
    {
        return path + '\n' + tenant + '\n' + head;
    }
}
