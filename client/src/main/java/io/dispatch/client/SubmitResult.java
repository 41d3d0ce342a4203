package io.dispatch.client;

/**
 * The engine's acceptance of a SUBMIT: the message is journaled and will reach a terminal state.
 * <p>
 * Immutable; safe to share between threads.
 *
 * @param messageId the engine's id for the message (for a duplicate: the original's id).
 * @param duplicate true when the idempotency key matched an earlier submit, which was not journaled again.
 */
public record SubmitResult(long messageId, boolean duplicate)
{
}
