package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

/**
 * Receives the outcome of one {@link DispatchClient#submit(Submit, SubmitListener)}: exactly one of the methods
 * is called, once.
 * <p>
 * <b>Threading:</b> called on the client's I/O thread, so implementations must be quick and must not block
 * (no {@code Future.get()}, no I/O). The one exception: when the client refuses a request before queuing it
 * (local queue full, client closed) the failure is reported synchronously on the thread that called
 * {@code submit}. One listener instance may serve many submits.
 */
public interface SubmitListener
{
    /**
     * The message is in the engine's journal.
     *
     * @param messageId the engine's id for the message (for a duplicate: the original's id).
     * @param duplicate true when the idempotency key matched an earlier submit.
     */
    void onAck(long messageId, boolean duplicate);

    /**
     * The request failed: the engine answered NACK, or (through the default {@link #onFailure}) the client gave
     * up on it. When {@link ErrorCode#retriable()} is true, resubmit later with the same idempotency key.
     *
     * @param code   why; {@link ErrorCode#BACKPRESSURE} also when the client's local queue is full.
     * @param detail human-readable detail, never null.
     */
    void onNack(ErrorCode code, String detail);

    /**
     * The client gave up on the request without an engine NACK: timeout, connection lost, client closed, local
     * queue full, or an ERROR frame about it. The default forwards to {@link #onNack} with the failure's code;
     * override it to tell these apart ({@link DispatchException#kind()}).
     *
     * @param failure what happened; may be shared between the requests failed by the same event.
     */
    default void onFailure(final DispatchException failure)
    {
        onNack(failure.code(), failure.detail());
    }
}
