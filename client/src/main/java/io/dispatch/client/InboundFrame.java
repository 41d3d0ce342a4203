package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads an INBOUND body (docs/protocol.md): u64 position, u8 kind, u8 channel, u64 inReplyTo, u64 atEpochMs,
 * str8 from, str8 to, str8 providerEventId, str16 text, u32 payloadLength, payload.
 */
final class InboundFrame
{
    private InboundFrame()
    {
    }

    /** @return null when the lengths run past the body (logged once). */
    static InboundMessage read(final ByteBuf b, final int offset, final int length)
    {
        final int end = offset + length;
        int p = offset;
        final long position = b.getLongLE(p);
        final InboundMessage.Kind kind = InboundMessage.Kind.of(b.getUnsignedByte(p + 8));
        final ChannelType channel = ChannelType.of(b.getUnsignedByte(p + 9));
        final long inReplyTo = b.getLongLE(p + 10);
        final long at = b.getLongLE(p + 18);
        p += 26;
        final String[] s = new String[4];
        for (int i = 0; i < 4; i++)
        {
            final int width = i == 3 ? 2 : 1;
            if (p + width > end)
            {
                return malformed();
            }
            final int n = width == 1 ? b.getUnsignedByte(p) : b.getUnsignedShortLE(p);
            p += width;
            if (p + n > end)
            {
                return malformed();
            }
            s[i] = b.toString(p, n, StandardCharsets.UTF_8);
            p += n;
        }
        if (p + 4 > end || p + 4 + b.getIntLE(p) != end)
        {
            return malformed();
        }
        final String payload = b.toString(p + 4, b.getIntLE(p), StandardCharsets.UTF_8);
        return new InboundMessage(position, kind, channel, s[0], s[1], inReplyTo, s[3], payload, s[2], at);
    }

    private static InboundMessage malformed()
    {
        ErrorLog.warnOnce("inbound-malformed", "an INBOUND frame's lengths do not match its body; skipped", null);
        return null;
    }
}
