package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * First handler of a connection on a TLS port. A TLS record goes on to the {@link SslHandler} (this handler leaves
 * the pipeline); anything else is a client speaking plain protocol v1, which is told so in a plain ERROR frame it
 * can read, rather than left to time out on a connection that just closes.
 * <p>
 * <b>Note:</b> one instance per connection; it sees only the connection's first bytes.
 */
final class TlsRequired extends ByteToMessageDecoder
{
    static final String DETAIL = "this port requires TLS; connect with TLS (scripts: --tls --ca FILE)";
    private static final Logger LOG = LoggerFactory.getLogger(TlsRequired.class);
    /** A TLS record header: what {@link SslHandler#isEncrypted(ByteBuf, boolean)} needs to decide. */
    private static final int RECORD_HEADER = 5;

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (in.readableBytes() < RECORD_HEADER)
        {
            return;
        }
        if (SslHandler.isEncrypted(in, false))
        {
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        // the SslHandler fails its handshake when the connection closes: this line says it all already
        ctx.pipeline().remove(TlsHandshakeWatch.INSTANCE);
        LOG.warn("event=plaintext_on_tls_port remote={}", ctx.channel().remoteAddress());
        final ByteBuf error = ctx.alloc().ioBuffer(128);
        ByteBufFrames.error(error, 0L, ErrorCode.UNSUPPORTED_FEATURE, DETAIL);
        // from this handler's context the frame goes out below the SslHandler: in the clear
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    }
}
