package io.dispatch.testing;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link DeliveryRequest}s as the lane does, from an encoded SUBMIT. */
public final class Requests
{
    private Requests()
    {
    }

    public static DeliveryRequest push(final long messageId, final MessageKind kind, final String recipient, final String text)
    {
        return push(messageId, kind, recipient, text, Map.of(), System.currentTimeMillis() + 3_600_000);
    }

    public static DeliveryRequest push(
        final long messageId,
        final MessageKind kind,
        final String recipient,
        final String text,
        final Map<String, String> vars,
        final long deadlineMs)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, kind, ChannelType.PUSH, 3600, "key-" + messageId, recipient, "", text,
            new LinkedHashMap<>(vars));
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final DeliveryRequest request = new DeliveryRequest((int)(messageId & 0xFFFF));
        request.fill(messageId, 1, "demo", kind, ChannelType.PUSH, System.currentTimeMillis(), deadlineMs, body, n);
        if (!request.recipient().equals(recipient))
        {
            throw new IllegalArgumentException("not a valid SUBMIT (recipient too long?): " + recipient);
        }
        return request;
    }
}
