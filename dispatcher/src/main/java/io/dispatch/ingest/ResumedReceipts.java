package io.dispatch.ingest;

import io.dispatch.protocol.ErrorCode;

/**
 * Cluster mode: the answer side of a SUBSCRIBE with {@code resumeAfter} that a {@link RequestRouter} serves. The
 * router checks the position away from the event loop, then calls exactly one of these, on the session's event loop.
 * Only after {@link #open()} returned true may it offer receipts to the session's receipt sink
 * ({@link SessionHandler#receiptSink()}, a {@link io.dispatch.stream.StreamSink}), whose single producer it then is.
 */
public interface ResumedReceipts
{
    /**
     * Opens the connection's receipt subscription and answers OK.
     *
     * @return false when it could not (the connection closed, or a subscription cap answered NACK): stream nothing.
     */
    boolean open();

    /** Answers NACK; nothing was opened, so the connection may subscribe again. */
    void refuse(ErrorCode code, String detail);
}
