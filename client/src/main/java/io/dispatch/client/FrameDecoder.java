package io.dispatch.client;

import io.dispatch.protocol.FrameDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;

/**
 * Splits the inbound stream into whole frames (length field included) and hands each on as a retained slice of
 * the read buffer: no copy. The only change to {@link LengthFieldBasedFrameDecoder} is reading the
 * little-endian length directly; the stock code calls {@code buf.order(LITTLE_ENDIAN)}, which allocates a
 * wrapper per frame.
 * <p>
 * <b>Note:</b> stateful; one instance per connection.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder
{
    FrameDecoder(final int maxFrameLength)
    {
        super(ByteOrder.LITTLE_ENDIAN, maxFrameLength, FrameDescriptor.LENGTH_OFFSET,
            FrameDescriptor.LENGTH_FIELD_LENGTH, 0, 0, true);
    }

    @Override
    protected long getUnadjustedFrameLength(
        final ByteBuf buf, final int offset, final int length, final ByteOrder order)
    {
        return buf.getUnsignedIntLE(offset);
    }
}
