package io.dispatch.client;

import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.CancelResultFlyweight;
import io.dispatch.protocol.CreditFlyweight;
import io.dispatch.protocol.ExplainResultFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.GoodbyeFlyweight;
import io.dispatch.protocol.HelloOkFlyweight;
import io.dispatch.protocol.InboundFlyweight;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.NackFlyweight;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.protocol.ReceiptFlyweight;
import io.dispatch.protocol.ReceiptsDroppedFlyweight;
import io.dispatch.protocol.StatusResultFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.agrona.concurrent.UnsafeBuffer;

import javax.net.ssl.SSLException;

/**
 * Last handler of a connection's pipeline, after the length-field frame decoder: checks each frame's header and
 * body length, then turns it into one {@code onXxx} call: on the {@link AnswerRouter} for an answer to a request, a
 * receipt or an inbound message, on the {@link ClientConductor} for the connection's own frames. Releases every frame
 * (the decoder hands over retained slices of the read buffer, never copies). The engine's answers are read with
 * the protocol's flyweights, the same the engine writes them with, over a view of the frame's memory.
 * <p>
 * <b>Note:</b> one instance per connection (not sharable); runs on the connection's I/O thread.
 */
final class FrameAdapter extends ChannelInboundHandlerAdapter
{
    private static final int BODY = FrameDescriptor.HEADER_LENGTH;

    private final ClientConductor conductor;
    private final AnswerRouter answers;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final AckFlyweight ack = new AckFlyweight();
    private final NackFlyweight nack = new NackFlyweight();
    private final ReceiptFlyweight receipt = new ReceiptFlyweight();
    private final StatusResultFlyweight statusResult = new StatusResultFlyweight();
    private final ExplainResultFlyweight explainResult = new ExplainResultFlyweight();
    private final CancelResultFlyweight cancelResult = new CancelResultFlyweight();
    private final HelloOkFlyweight helloOk = new HelloOkFlyweight();
    private final InboundFlyweight inbound = new InboundFlyweight();
    private final CreditFlyweight credit = new CreditFlyweight();
    private final ReceiptsDroppedFlyweight receiptsDropped = new ReceiptsDroppedFlyweight();
    private final PingFlyweight ping = new PingFlyweight();
    private final GoodbyeFlyweight goodbye = new GoodbyeFlyweight();

    FrameAdapter(final ClientConductor conductor, final AnswerRouter answers)
    {
        this.conductor = conductor;
        this.answers = answers;
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
                if (need(channel, type, bodyLength, AckFlyweight.FRAME_LENGTH - BODY))
                {
                    ack.wrap(view(frame, start, length), 0);
                    answers.onAck(correlationId, ack.messageId(), ack.outcome() == AckFlyweight.DUPLICATE);
                }
                break;
            case MessageType.CREDIT:
                if (need(channel, type, bodyLength, CreditFlyweight.FRAME_LENGTH - BODY))
                {
                    conductor.onCredit(credit.wrap(view(frame, start, length), 0).grant());
                }
                break;
            case MessageType.NACK:
            case MessageType.ERROR:
                if (need(channel, type, bodyLength, NackFlyweight.frameLength(0) - BODY) &&
                    need(channel, type, bodyLength, NackFlyweight.frameLength(
                        nack.wrap(view(frame, start, length), 0).detailLength()) - BODY))
                {
                    if (type == MessageType.NACK)
                    {
                        answers.onNack(correlationId, nack.code(), nack.detail());
                    }
                    else
                    {
                        conductor.onError(correlationId, nack.code(), nack.detail());
                    }
                }
                break;
            case MessageType.RECEIPT:
                if (need(channel, type, bodyLength, ReceiptFlyweight.OLDEST_BODY_LENGTH))
                {
                    // the channel and position came later: an older engine's receipt has none (0)
                    receipt.wrap(view(frame, start, length), 0);
                    answers.onReceipt(receipt.messageId(), receipt.state(), receipt.attempts(), receipt.reason(),
                        receipt.atMs(), receipt.channel(), receipt.position());
                }
                break;
            case MessageType.INBOUND:
                if (need(channel, type, bodyLength, InboundFlyweight.MIN_BODY_LENGTH))
                {
                    final InboundMessage m =
                        InboundFrame.read(inbound.wrap(view(frame, start, length), BODY, bodyLength));
                    if (m != null)
                    {
                        answers.onInbound(m);
                    }
                }
                break;
            case MessageType.STATUS_RESULT:
                if (need(channel, type, bodyLength, StatusResultFlyweight.FRAME_LENGTH - BODY))
                {
                    final StatusResultFlyweight r = statusResult.wrap(view(frame, start, length), 0);
                    answers.onStatusResult(correlationId, r.messageId(), r.state(), r.attempts(), r.reason(),
                        r.updatedAtMs(), r.channel(), r.kind());
                }
                break;
            case MessageType.OK:
                answers.onOk(correlationId);
                break;
            case MessageType.EXPLAIN_RESULT:
                if (need(channel, type, bodyLength, ExplainResultFlyweight.OLDEST_BODY_LENGTH))
                {
                    final ExplainResultFlyweight r = explainResult.wrap(view(frame, start, length), 0);
                    // engines before the conversation window sent 16 bytes
                    final boolean window = bodyLength >= ExplainResultFlyweight.WINDOW_BODY_LENGTH;
                    answers.onExplainResult(correlationId, r.decision(), r.channel(), r.priority(), r.reason(),
                        r.at(), r.fallbackChannel(), r.fallbackDecision(), r.fallbackReason(), explainAddress(r),
                        window ? r.windowState() : 0, window ? r.windowTag() : 0, window ? r.windowLastMessageMs() : 0);
                }
                break;
            case MessageType.CANCEL_RESULT:
                if (need(channel, type, bodyLength, CancelResultFlyweight.FRAME_LENGTH - BODY))
                {
                    final CancelResultFlyweight r = cancelResult.wrap(view(frame, start, length), 0);
                    answers.onCancelResult(correlationId, r.messageId(), r.result());
                }
                break;
            case MessageType.DIRECTORY_RESULT:
            case MessageType.CAMPAIGN_RESULT:
                answers.onAnswer(correlationId, type, frame, body, bodyLength);
                break;
            case MessageType.HELLO_OK:
                if (need(channel, type, bodyLength, HelloOkFlyweight.FRAME_LENGTH - BODY))
                {
                    final HelloOkFlyweight ok = helloOk.wrap(view(frame, start, length), 0);
                    conductor.onHelloOk(ok.version(), ok.initialCredit(), ok.maxFrameLength(), ok.sessionId());
                }
                break;
            case MessageType.RECEIPTS_DROPPED:
                if (need(channel, type, bodyLength, ReceiptsDroppedFlyweight.FRAME_LENGTH - BODY))
                {
                    final long count = receiptsDropped.wrap(view(frame, start, length), 0).count();
                    answers.onReceiptsDropped((int)Math.min(Integer.MAX_VALUE, count));
                }
                break;
            case MessageType.PING:
                if (need(channel, type, bodyLength, PingFlyweight.BODY_LENGTH))
                {
                    conductor.onPing(correlationId, ping.wrap(view(frame, start, length), BODY, bodyLength).payload());
                }
                break;
            case MessageType.PONG:
                if (need(channel, type, bodyLength, PingFlyweight.BODY_LENGTH))
                {
                    answers.onPong(correlationId, ping.wrap(view(frame, start, length), BODY, bodyLength).payload());
                }
                break;
            case MessageType.GOODBYE:
            {
                // engines before 2026-12 send no wait, and an empty body is a normal leave: the flyweight reads 0
                final GoodbyeFlyweight bye = goodbye.wrap(view(frame, start, length), 0);
                conductor.onGoodbye(bye.reason(), bye.retryAfterMs());
                break;
            }
            default:
                // Newer engines may add types: ignore rather than drop the connection.
                ErrorLog.warnOnce("unknown-type-" + type, "ignoring frame of unknown type " +
                    MessageType.name(type) + " from the engine", null);
                break;
        }
    }

    /** The re-addressed fallback's address after the fixed fields; null when absent (older engines) or empty. */
    private static String explainAddress(final ExplainResultFlyweight r)
    {
        final int frameLength = r.frameLength();
        if (frameLength <= ExplainResultFlyweight.FIXED_FRAME_LENGTH ||
            ExplainResultFlyweight.frameLength(r.addressLength()) > frameLength)
        {
            return null;
        }
        return r.address();
    }

    /** The frame's bytes as an Agrona buffer, without a copy: pooled direct, heap, or (rarely) composite. */
    private UnsafeBuffer view(final ByteBuf frame, final int start, final int length)
    {
        if (frame.hasMemoryAddress())
        {
            view.wrap(frame.memoryAddress() + start, length);
        }
        else if (frame.hasArray())
        {
            view.wrap(frame.array(), frame.arrayOffset() + start, length);
        }
        else
        {
            view.wrap(frame.nioBuffer(start, length));
        }
        return view;
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
