package io.dispatch.client;

import io.dispatch.protocol.Frames;
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
        Frames.status(out, correlationId, messageId);
    }
}
