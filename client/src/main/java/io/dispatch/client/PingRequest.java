package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/** A PING on its way; its payload is the send time, echoed by PONG. See {@link Request}. */
final class PingRequest extends Request
{
    final CompletableFuture<Long> future = new CompletableFuture<>();

    @Override
    boolean costsCredit()
    {
        return false;
    }

    void pong(final long roundTripNs)
    {
        if (tryFinish())
        {
            future.complete(roundTripNs);
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
