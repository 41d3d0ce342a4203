package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

/** A SUBMIT on its way; the only per-message allocation of the listener path. See {@link Request}. */
final class SubmitRequest extends Request
{
    final Submit submit;
    private final SubmitListener listener;

    SubmitRequest(final Submit submit, final SubmitListener listener)
    {
        this.submit = submit;
        this.listener = listener;
    }

    @Override
    boolean costsCredit()
    {
        return true;
    }

    void ack(final long messageId, final boolean duplicate)
    {
        if (tryFinish())
        {
            try
            {
                listener.onAck(messageId, duplicate);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }

    @Override
    void onNack(final ErrorCode code, final String detail)
    {
        listener.onNack(code, detail);
    }

    @Override
    void onFailure(final DispatchException failure)
    {
        listener.onFailure(failure);
    }
}
