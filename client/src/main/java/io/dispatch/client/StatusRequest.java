package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/** A STATUS on its way. See {@link Request}. */
final class StatusRequest extends Request
{
    final long messageId;
    final CompletableFuture<StatusResult> future = new CompletableFuture<>();

    StatusRequest(final long messageId)
    {
        this.messageId = messageId;
    }

    @Override
    boolean costsCredit()
    {
        return true;
    }

    void complete(final StatusResult result)
    {
        if (tryFinish())
        {
            future.complete(result);
        }
    }

    @Override
    void onNack(final ErrorCode code, final String detail)
    {
        future.completeExceptionally(new DispatchException(DispatchException.Kind.NACK, code, detail));
    }

    @Override
    void onFailure(final DispatchException failure)
    {
        future.completeExceptionally(failure);
    }
}
