package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.netty.buffer.ByteBuf;

/** A STATUS on its way. See {@link Request}. */
final class StatusRequest extends FrameRequest<StatusResult>
{
    final long messageId;

    StatusRequest(final long messageId)
    {
        this.messageId = messageId;
    }

    @Override
    void write(final ByteBuf out)
    {
        ByteBufFrames.status(out, correlationId, messageId);
    }
}
