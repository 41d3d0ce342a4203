package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.CompletableFuture;

/**
 * A SUBSCRIBE on its way: either the caller's (with a future) or a restore after reconnect (future null, the
 * listener already registered). See {@link Request}.
 */
final class SubscribeRequest extends Request
{
    /** {@link #resumeAfter} of a live receipt subscription: not resumed. */
    static final long LIVE = -1;

    final byte scope;
    final int stateMask;
    final ReceiptListener listener;
    /** Non-null for a SUBSCRIBE_INBOUND (then {@link #listener} is null). */
    final InboundListener inboundListener;
    final CompletableFuture<Void> future;
    /**
     * Resumed subscriptions (receipts, inbound): the position to resume after, advanced by every frame received, so
     * the restore after a reconnect asks for exactly what the client has not seen. I/O thread only.
     */
    long resumeAfter;

    SubscribeRequest(
        final byte scope, final int stateMask, final ReceiptListener listener, final CompletableFuture<Void> future)
    {
        this(scope, stateMask, listener, null, LIVE, future);
    }

    SubscribeRequest(
        final byte scope, final int stateMask, final ReceiptListener listener, final InboundListener inboundListener,
        final long resumeAfter, final CompletableFuture<Void> future)
    {
        this.scope = scope;
        this.stateMask = stateMask;
        this.listener = listener;
        this.inboundListener = inboundListener;
        this.resumeAfter = resumeAfter;
        this.future = future;
    }

    /** The same subscription, to send again after a reconnect, from the last position seen. */
    SubscribeRequest restore()
    {
        return new SubscribeRequest(scope, stateMask, listener, inboundListener, resumeAfter, null);
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
