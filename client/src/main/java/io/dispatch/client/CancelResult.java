package io.dispatch.client;

/**
 * The answer to {@link DispatchClient#cancel}. A message id or idempotency key unknown to the tenant (another
 * tenant's included) fails the future with a {@link DispatchException} of code {@code NOT_FOUND} instead.
 *
 * @param messageId the message.
 * @param cancelled true when the message was deferred and is now CANCELLED; false when it is not waiting (already
 *                  handed to a connector, or ended): ask {@link DispatchClient#status} for its state.
 */
public record CancelResult(long messageId, boolean cancelled)
{
}
