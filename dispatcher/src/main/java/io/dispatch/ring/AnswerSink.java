package io.dispatch.ring;

import io.dispatch.protocol.ErrorCode;

/**
 * Where the ring stages answer a client connection: its ACK, NACK, STATUS_RESULT … and the receipts it subscribed
 * to. A {@link DispatchEvent} from a connection carries its sink in {@link DispatchEvent#session}; receipts find
 * theirs through {@link AnswerSinks}. The ring never sees the connection itself.
 * <p>
 * Contract (docs/design/session.md):
 * <ul>
 *   <li>Every method is called by the post-journal ring thread only (the single producer of the sink's answer
 *       queue), and none blocks, allocates or writes to a socket: each {@code offer} encodes one frame in place
 *       into a queue the connection's event loop drains.</li>
 *   <li>An {@code offer} returning false wrote nothing: the queue was full, which cannot happen while the client
 *       honours its credit (one answer per credit). Receipts are the exception: see {@link #offerReceipt}.</li>
 *   <li>Frames become visible to the connection only at {@link #flushTouched()}: a stage that offered calls
 *       {@link #markTouched()} and, when that returns true, keeps the sink for the end of the ring batch.</li>
 *   <li>Answers of one sink are written in the order offered; the ack stage offers a message's ACK before the
 *       status stage offers any receipt of it (docs/design/answer-order.md).</li>
 * </ul>
 */
public interface AnswerSink
{
    /** RECEIPT subscription scopes (SUBSCRIBE's wire values); {@link #subscriptionScope()} is -1 without one. */
    byte SCOPE_CONNECTION = 0;
    byte SCOPE_TENANT = 1;
    /** Not a wire scope: receipts resumed from a position, served from the journal; the live fan-out skips it. */
    byte SCOPE_JOURNAL = 2;

    /** @return the tenant the connection authenticated as (any thread). */
    int tenantId();

    /** @return {@link #SCOPE_CONNECTION}, {@link #SCOPE_TENANT}, {@link #SCOPE_JOURNAL}, or -1 when not subscribed. */
    byte subscriptionScope();

    /** @param outcome ACK's outcome: {@code AckFlyweight.ACCEPTED} or {@code DUPLICATE} (the original's id). */
    boolean offerAck(long correlationId, long messageId, byte outcome);

    /** @param detail pre-encoded UTF-8 (a constant), so the ring thread allocates nothing. */
    boolean offerNack(long correlationId, ErrorCode code, byte[] detail);

    /** OK: a CONSENT is journaled. */
    boolean offerOk(long correlationId);

    /**
     * EXPLAIN_RESULT of a dry run.
     *
     * @param fallback        the lane's fallback channel | its decision << 8 | its reason << 16 (docs/protocol.md).
     * @param fallbackAddress where the fallback would go instead of the message's address: u8 length (0: its own), bytes.
     * @param window          the conversation window's state | the message tag chosen << 8, 0 without a window rule.
     * @param windowLastMs    the user's last message on the channel, epoch ms, 0 when none is known.
     */
    boolean offerExplain(long correlationId, byte decision, byte channel, boolean priority, short reason, long at,
        int fallback, byte[] fallbackAddress, int window, long windowLastMs);

    boolean offerCancelResult(long correlationId, long messageId, byte result);

    boolean offerStatusResult(long correlationId, long messageId, int state, int attempts, int reason, long updatedAtMs,
        int channel, int kind);

    /**
     * A live receipt for a subscriber. Best effort: when its buffer is full the receipt is counted as dropped and
     * reported to the client as RECEIPTS_DROPPED.
     *
     * @return true when the sink has something new to write (the receipt, or a drop to report): touch it.
     */
    boolean offerReceipt(long messageId, int state, int attempts, int reason, long atMs, int channel, long position);

    /** @return true if the sink was not yet in this batch's flush list. */
    boolean markTouched();

    /** The ring batch ended: what was offered is handed to the connection's event loop to write. */
    void flushTouched();
}
