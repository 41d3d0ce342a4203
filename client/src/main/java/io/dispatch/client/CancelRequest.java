package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.netty.buffer.ByteBuf;

/** A CANCEL on its way, by message id or by idempotency key. */
final class CancelRequest extends FrameRequest<CancelResult>
{
    private final long messageId;
    private final String key;

    CancelRequest(final long messageId, final String key)
    {
        this.messageId = messageId;
        this.key = key;
    }

    @Override
    void write(final ByteBuf out)
    {
        if (key != null)
        {
            ByteBufFrames.cancelByKey(out, correlationId, key);
        }
        else
        {
            ByteBufFrames.cancel(out, correlationId, messageId);
        }
    }
}
