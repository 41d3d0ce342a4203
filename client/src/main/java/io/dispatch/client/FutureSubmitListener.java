package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/**
 * The future returned by {@link DispatchClient#submit(Submit)}, doubling as its listener so the future path
 * costs one object more than the listener path. Completed on the I/O thread (see {@link SubmitListener}).
 */
final class FutureSubmitListener extends CompletableFuture<SubmitResult> implements SubmitListener
{
    @Override
    public void onAck(final long messageId, final boolean duplicate)
    {
        complete(new SubmitResult(messageId, duplicate));
    }

    @Override
    public void onNack(final ErrorCode code, final String detail)
    {
        completeExceptionally(new DispatchException(DispatchException.Kind.NACK, code, detail));
    }

    @Override
    public void onFailure(final DispatchException failure)
    {
        completeExceptionally(failure);
    }
}
