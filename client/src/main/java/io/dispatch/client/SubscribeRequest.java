package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/**
 * A SUBSCRIBE on its way: either the caller's (with a future) or a restore after reconnect (future null, the
 * listener already registered). See {@link Request}.
 */
final class SubscribeRequest extends Request
{
    final byte scope;
    final int stateMask;
    final ReceiptListener listener;
    final CompletableFuture<Void> future;

    SubscribeRequest(
        final byte scope, final int stateMask, final ReceiptListener listener, final CompletableFuture<Void> future)
    {
        this.scope = scope;
        this.stateMask = stateMask;
        this.listener = listener;
        this.future = future;
    }

    boolean isRestore()
    {
        return future == null;
    }

    @Override
    boolean costsCredit()
    {
        return false;
    }

    boolean ok()
    {
        if (tryFinish())
        {
            if (future != null)
            {
                future.complete(null);
            }
            return true;
        }
        return false;
    }

    @Override
    void onNack(final ErrorCode code, final String detail)
    {
        onFailure(new DispatchException(DispatchException.Kind.NACK, code, detail));
    }

    @Override
    void onFailure(final DispatchException failure)
    {
        if (future != null)
        {
            future.completeExceptionally(failure);
        }
        else
        {
            ErrorLog.warnOnce("restore-subscribe-" + failure.code(), "re-subscribing receipts after reconnect " +
                "failed; receipts for scope " + scope + " will not arrive: " + failure.getMessage(), null);
        }
    }
}
