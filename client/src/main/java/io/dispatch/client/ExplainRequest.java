package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBuf;

/** A dry-run SUBMIT on its way: answered by EXPLAIN_RESULT. */
final class ExplainRequest extends FrameRequest<Explanation>
{
    private final Submit submit;

    ExplainRequest(final Submit submit)
    {
        this.submit = submit;
    }

    @Override
    void write(final ByteBuf out)
    {
        final int start = ByteBufFrames.beginFrame(out, MessageType.SUBMIT, 0, correlationId);
        SubmitWriter.writeBody(out, submit, SubmitDescriptor.FLAG_DRY_RUN);
        ByteBufFrames.endFrame(out, start);
    }
}
