package io.dispatch.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The Netty edge of the protocol's flyweights, which read Agrona buffers: a reusable Agrona view over a
 * {@link ByteBuf}'s memory, index for index, without copying or allocating for heap buffers and for direct buffers
 * with a memory address (what Netty's allocators hand out). Any other buffer (a composite) is copied into a new array.
 * The view is valid until the {@code ByteBuf} is released or grows, or {@link #wrap} is called again.
 * <p>
 * <b>Note:</b> not thread-safe; keep one per thread.
 */
public final class ByteBufView
{
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    /** @return an Agrona view of {@code buf}, where index {@code i} is {@code buf}'s index {@code i}. */
    public DirectBuffer wrap(final ByteBuf buf)
    {
        if (buf.hasArray())
        {
            view.wrap(buf.array(), buf.arrayOffset(), buf.capacity());
        }
        else if (buf.hasMemoryAddress())
        {
            view.wrap(buf.memoryAddress(), buf.capacity());
        }
        else
        {
            view.wrap(ByteBufUtil.getBytes(buf, 0, buf.writerIndex(), true));
        }
        return view;
    }
}
