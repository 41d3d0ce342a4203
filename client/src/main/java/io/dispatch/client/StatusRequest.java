package io.dispatch.client;

/** A STATUS on its way. See {@link Request}. */
final class StatusRequest extends FutureRequest<StatusResult>
{
    final long messageId;

    StatusRequest(final long messageId)
    {
        this.messageId = messageId;
    }

    @Override
    boolean costsCredit()
    {
        return true;
    }
}
