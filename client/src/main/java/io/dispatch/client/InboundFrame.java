package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.InboundFlyweight;

/**
 * Turns an INBOUND body, read with the protocol's {@link InboundFlyweight} (the layout the engine writes it with),
 * into the {@link InboundMessage} listeners get.
 */
final class InboundFrame
{
    private InboundFrame()
    {
    }

    /** @return null when the lengths do not match the body (logged once). */
    static InboundMessage read(final InboundFlyweight in)
    {
        if (in.validate() != null)
        {
            ErrorLog.warnOnce("inbound-malformed", "an INBOUND frame's lengths do not match its body; skipped", null);
            return null;
        }
        return new InboundMessage(in.position(), InboundMessage.Kind.of(in.kind()), ChannelType.of(in.channel()),
            in.from(), in.to(), in.inReplyTo(), in.text(), in.payload(), in.providerEventId(), in.receivedAtMs());
    }
}
