package io.dispatch.stream;

/**
 * Where the stream thread hands what it reads from the journal for one subscribed connection: resumed receipts and
 * inbound events. The stream thread is the single producer of these queues (a resumed receipt subscription gets no
 * live receipts from the ring), and nothing here blocks: a full buffer stops the stream, which offers again later.
 */
public interface StreamSink
{
    /** @return the tenant the connection authenticated as. */
    int tenantId();

    /** @return false once the connection closed: the stream drops the subscription. */
    boolean isOpen();

    /** @return false when the buffer is full (offer the same receipt again later). */
    boolean offerStreamedReceipt(long messageId, int state, int attempts, int reason, long atMs, int channel,
        long position);

    /** One inbound event ({@code InboundBody}) with its position. @return false when the buffer is full. */
    boolean offerInbound(long position, byte[] body, int length);

    /** Asks the connection's event loop to write what was offered. */
    void scheduleDrain();
}
