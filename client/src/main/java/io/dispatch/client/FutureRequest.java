package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/** A request answered through a future: completed once, failed on NACK or on a client-side failure. */
abstract class FutureRequest<T> extends Request
{
    final CompletableFuture<T> future = new CompletableFuture<>();

    void complete(final T value)
    {
        if (tryFinish())
        {
            future.complete(value);
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
