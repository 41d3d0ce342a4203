package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.netty.buffer.ByteBuf;

/** A CONSENT update on its way: answered by OK once journaled. */
final class ConsentRequest extends FrameRequest<Void>
{
    private final int channel;
    private final int set;
    private final int clear;
    private final String recipient;
    private final String source;

    ConsentRequest(final int channel, final int set, final int clear, final String recipient, final String source)
    {
        this.channel = channel;
        this.set = set;
        this.clear = clear;
        this.recipient = recipient;
        this.source = source;
    }

    @Override
    void write(final ByteBuf out)
    {
        ByteBufFrames.consent(out, correlationId, channel, set, clear, recipient, source);
    }
}
