package io.dispatch.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Cuts protocol v1 frames (a u32 little-endian length of the bytes after it, then those bytes) out of the byte
 * stream without allocating per frame: the next handler gets a view of each whole frame, length field included,
 * which is the read buffer itself (or, for a frame split across reads, this connection's own buffer) with its
 * indexes narrowed to the frame, and one reference to release. The view is valid only during that call: whoever
 * keeps a frame copies it ({@link ParkedRequests}).
 * <p>
 * Netty's {@code LengthFieldBasedFrameDecoder} did the same job with two objects a frame: a sliced buffer and a
 * byte-order-swapped wrapper for the little-endian length read (docs/PERFORMANCE.md, "Hot-path allocation").
 * A length above {@code maxFrameLength} (whole frame, as announced in HELLO_OK) is reported at once as a
 * {@link TooLongFrameException}, as that decoder's fail-fast mode did; the connection is being closed then, so
 * every byte after it is dropped.
 * <p>
 * <b>Note:</b> one per connection, event loop only.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter
{
    static final int LENGTH_FIELD_LENGTH = 4;
    /** A split frame's buffer above this is given back once the frame is handled, not kept for the connection. */
    private static final int KEEP_PENDING_CAPACITY = 64 * 1024;

    private final int maxFrameLength;
    /** The start of a frame split across reads, or null; allocated on the first split and kept. */
    private ByteBuf pending;
    /** The whole length of the frame in {@link #pending}, or -1 while its length field is incomplete. */
    private int pendingFrameLength = -1;
    private boolean failed;

    public FrameDecoder(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final ByteBuf in = (ByteBuf)msg;
        try
        {
            if (pending != null && pending.isReadable() && !failed)
            {
                completePending(ctx, in);
            }
            while (!failed && in.isReadable())
            {
                final int start = in.readerIndex();
                final int readable = in.readableBytes();
                if (readable < LENGTH_FIELD_LENGTH)
                {
                    keep(ctx, in, readable);
                    break;
                }
                final int frameLength = frameLength(ctx, in.getUnsignedIntLE(start));
                if (frameLength < 0)
                {
                    break;
                }
                if (readable < frameLength)
                {
                    pendingFrameLength = frameLength;
                    keep(ctx, in, readable);
                    break;
                }
                in.readerIndex(start + frameLength);
                fire(ctx, in, start, frameLength);
            }
        }
        finally
        {
            in.release();
        }
    }

    /** Adds what {@code in} holds of the split frame; hands the frame on once whole. */
    private void completePending(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        if (pendingFrameLength < 0)
        {
            pending.writeBytes(in, Math.min(LENGTH_FIELD_LENGTH - pending.readableBytes(), in.readableBytes()));
            if (pending.readableBytes() < LENGTH_FIELD_LENGTH)
            {
                return;
            }
            pendingFrameLength = frameLength(ctx, pending.getUnsignedIntLE(pending.readerIndex()));
            if (pendingFrameLength < 0)
            {
                return;
            }
        }
        final int missing = pendingFrameLength - pending.readableBytes();
        if (in.readableBytes() < missing)
        {
            pending.writeBytes(in);
            return;
        }
        pending.writeBytes(in, missing);
        final int frameLength = pendingFrameLength;
        pendingFrameLength = -1;
        fire(ctx, pending, pending.readerIndex(), frameLength);
        if (pending == null)
        {
            return; // the handler was removed while the frame was handled
        }
        if (pending.capacity() > KEEP_PENDING_CAPACITY)
        {
            pending.release();
            pending = null;
        }
        else
        {
            pending.clear();
        }
    }

    /** @return the whole frame's length, or -1 after reporting a length above the cap. */
    private int frameLength(final ChannelHandlerContext ctx, final long lengthField)
    {
        final long frameLength = lengthField + LENGTH_FIELD_LENGTH;
        if (frameLength > maxFrameLength)
        {
            failed = true;
            ctx.fireExceptionCaught(new TooLongFrameException(
                "frame length " + frameLength + " exceeds " + maxFrameLength));
            return -1;
        }
        return (int)frameLength;
    }

    /** Hands on {@code buffer}'s bytes [start, start + length) with one reference for the next handler to release. */
    private static void fire(final ChannelHandlerContext ctx, final ByteBuf buffer, final int start, final int length)
    {
        final int readerIndex = buffer.readerIndex();
        final int writerIndex = buffer.writerIndex();
        buffer.setIndex(start, start + length);
        ctx.fireChannelRead(buffer.retain());
        buffer.setIndex(readerIndex, writerIndex);
    }

    /** Copies the start of a split frame, the last {@code length} readable bytes of {@code in}. */
    private void keep(final ChannelHandlerContext ctx, final ByteBuf in, final int length)
    {
        if (pending == null)
        {
            pending = ctx.alloc().directBuffer(Math.max(256, Math.min(maxFrameLength, pendingFrameLength)));
        }
        pending.writeBytes(in, length);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        if (pending != null)
        {
            pending.release();
            pending = null;
        }
    }
}
