package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLException;

/**
 * Last handler of a connection's pipeline, after the length-field frame decoder: checks each frame's header and
 * body length, then turns it into one {@code onXxx} call on the {@link ClientConductor}. Releases every frame
 * (the decoder hands over retained slices of the read buffer, never copies).
 * <p>
 * <b>Note:</b> one instance per connection (not sharable); runs on the connection's I/O thread.
 */
final class FrameAdapter extends ChannelInboundHandlerAdapter
{
    private static final int BODY = FrameDescriptor.HEADER_LENGTH;

    private final ClientConductor conductor;

    FrameAdapter(final ClientConductor conductor)
    {
        this.conductor = conductor;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        conductor.onChannelActive(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        conductor.onChannelInactive(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            if (conductor.isCurrent(ctx.channel()))
            {
                onFrame(ctx.channel(), frame);
            }
        }
        finally
        {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        conductor.onReadComplete(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            conductor.onReadComplete(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent)evt).isSuccess())
        {
            conductor.onTlsHandshakeFailed(ctx.channel(), ((SslHandshakeCompletionEvent)evt).cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof SSLException ||
            (cause instanceof DecoderException && cause.getCause() instanceof SSLException))
        {
            // an alert after our side of the handshake (TLS 1.3: the engine refusing our certificate) lands here
            conductor.onTlsHandshakeFailed(ctx.channel(), cause);
            ctx.close();
            return;
        }
        conductor.onProtocolError(ctx.channel(), "connection error: " + cause, cause);
    }

    private void onFrame(final Channel channel, final ByteBuf frame)
    {
        final int start = frame.readerIndex();
        final int length = frame.readableBytes();
        if (length < FrameDescriptor.HEADER_LENGTH)
        {
            conductor.onProtocolError(channel, "frame of " + length + " bytes is shorter than the header", null);
            return;
        }
        final byte version = frame.getByte(start + FrameDescriptor.VERSION_OFFSET);
        if (version != FrameDescriptor.VERSION_1)
        {
            conductor.onProtocolError(channel, "frame with unsupported version " + version, null);
            return;
        }
        final byte type = frame.getByte(start + FrameDescriptor.TYPE_OFFSET);
        final long correlationId = frame.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET);
        final int body = start + BODY;
        final int bodyLength = length - BODY;
        switch (type)
        {
            case MessageType.ACK:
                if (need(channel, type, bodyLength, 9))
                {
                    conductor.onAck(correlationId, frame.getLongLE(body),
                        frame.getByte(body + 8) == Frames.ACK_DUPLICATE);
                }
                break;
            case MessageType.CREDIT:
                if (need(channel, type, bodyLength, 4))
                {
                    conductor.onCredit(frame.getUnsignedIntLE(body));
                }
                break;
            case MessageType.NACK:
            case MessageType.ERROR:
                if (need(channel, type, bodyLength, 4) &&
                    need(channel, type, bodyLength, 4 + frame.getUnsignedShortLE(body + 2)))
                {
                    final ErrorCode code = ErrorCode.of(frame.getUnsignedShortLE(body));
                    final String detail = ByteBufFrames.readStr16(frame, body + 2);
                    if (type == MessageType.NACK)
                    {
                        conductor.onNack(correlationId, code, detail);
                    }
                    else
                    {
                        conductor.onError(correlationId, code, detail);
                    }
                }
                break;
            case MessageType.RECEIPT:
                if (need(channel, type, bodyLength, 20))
                {
                    // the channel byte came later: an older engine's 20-byte receipt has none (0)
                    conductor.onReceipt(frame.getLongLE(body), frame.getUnsignedByte(body + 8),
                        frame.getUnsignedByte(body + 9), frame.getUnsignedShortLE(body + 10),
                        frame.getLongLE(body + 12), bodyLength > 20 ? frame.getUnsignedByte(body + 20) : 0,
                        bodyLength >= 29 ? frame.getLongLE(body + 21) : 0);
                }
                break;
            case MessageType.INBOUND:
                if (need(channel, type, bodyLength, 8 + 18 + 3 + 2 + 4))
                {
                    final InboundMessage m = InboundFrame.read(frame, body, bodyLength);
                    if (m != null)
                    {
                        conductor.onInbound(m);
                    }
                }
                break;
            case MessageType.STATUS_RESULT:
                if (need(channel, type, bodyLength, 22))
                {
                    conductor.onStatusResult(correlationId, frame.getLongLE(body), frame.getUnsignedByte(body + 8),
                        frame.getUnsignedByte(body + 9), frame.getUnsignedShortLE(body + 10),
                        frame.getLongLE(body + 12), frame.getUnsignedByte(body + 20), frame.getUnsignedByte(body + 21));
                }
                break;
            case MessageType.OK:
                conductor.onOk(correlationId);
                break;
            case MessageType.EXPLAIN_RESULT:
                if (need(channel, type, bodyLength, 16))
                {
                    conductor.onExplainResult(correlationId, frame.getUnsignedByte(body), frame.getUnsignedByte(body + 1),
                        frame.getUnsignedByte(body + 2) == 0, frame.getUnsignedShortLE(body + 4), frame.getLongLE(body + 8),
                        frame.getUnsignedByte(body + 3), frame.getUnsignedByte(body + 6), frame.getUnsignedByte(body + 7),
                        explainAddress(frame, body, bodyLength),
                        // engines before the conversation window sent 16 bytes
                        bodyLength >= 26 ? frame.getUnsignedByte(body + 16) : 0,
                        bodyLength >= 26 ? frame.getUnsignedByte(body + 17) : 0,
                        bodyLength >= 26 ? frame.getLongLE(body + 18) : 0);
                }
                break;
            case MessageType.CANCEL_RESULT:
                if (need(channel, type, bodyLength, 9))
                {
                    conductor.onCancelResult(correlationId, frame.getLongLE(body), frame.getUnsignedByte(body + 8));
                }
                break;
            case MessageType.DIRECTORY_RESULT:
            case MessageType.CAMPAIGN_RESULT:
                conductor.onAnswer(correlationId, type, frame, body, bodyLength);
                break;
            case MessageType.HELLO_OK:
                if (need(channel, type, bodyLength, 16))
                {
                    conductor.onHelloOk(frame.getUnsignedByte(body), frame.getIntLE(body + 4),
                        frame.getIntLE(body + 8), frame.getIntLE(body + 12));
                }
                break;
            case MessageType.RECEIPTS_DROPPED:
                if (need(channel, type, bodyLength, 4))
                {
                    conductor.onReceiptsDropped((int)Math.min(Integer.MAX_VALUE, frame.getUnsignedIntLE(body)));
                }
                break;
            case MessageType.PING:
                if (need(channel, type, bodyLength, 8))
                {
                    conductor.onPing(correlationId, frame.getLongLE(body));
                }
                break;
            case MessageType.PONG:
                if (need(channel, type, bodyLength, 8))
                {
                    conductor.onPong(correlationId, frame.getLongLE(body));
                }
                break;
            case MessageType.GOODBYE:
                conductor.onGoodbye(bodyLength >= 2 ? frame.getUnsignedShortLE(body) : 0,
                    bodyLength >= 6 ? frame.getUnsignedIntLE(body + 2) : 0);
                break;
            default:
                // Newer engines may add types: ignore rather than drop the connection.
                ErrorLog.warnOnce("unknown-type-" + type, "ignoring frame of unknown type " +
                    MessageType.name(type) + " from the engine", null);
                break;
        }
    }

    /** The re-addressed fallback's address after the fixed fields; null when absent (older engines) or empty. */
    private static String explainAddress(final ByteBuf frame, final int body, final int bodyLength)
    {
        // after the conversation window's fields (bytes 16-25)
        final int length = bodyLength > 26 ? frame.getUnsignedByte(body + 26) : 0;
        return length == 0 || 27 + length > bodyLength ? null :
            frame.toString(body + 27, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    private boolean need(final Channel channel, final byte type, final int bodyLength, final int required)
    {
        if (bodyLength < required)
        {
            conductor.onProtocolError(channel, MessageType.name(type) + " body of " + bodyLength +
                " bytes, expected at least " + required, null);
            return false;
        }
        return true;
    }
}
