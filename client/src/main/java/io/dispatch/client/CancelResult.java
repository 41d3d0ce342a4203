package io.dispatch.client;

/**
 * The answer to {@link DispatchClient#cancel}.
 *
 * @param messageId the message, or -1 when the idempotency key is unknown.
 * @param cancelled true when the message was deferred and is now CANCELLED; false when it is not waiting (already
 *                  handed to a connector, ended, or unknown): ask {@link DispatchClient#status} for its state.
 */
public record CancelResult(long messageId, boolean cancelled)
{
}
