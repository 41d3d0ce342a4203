package io.dispatch.ingest;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Sits behind the {@link io.netty.handler.ssl.SslHandler} until the handshake ends: a failed handshake (client does
 * not trust the certificate, has no client certificate under mutual TLS, offers only old protocols) is one log line
 * naming the peer and the reason, not a protocol error with a stack trace. Leaves the pipeline once the handshake
 * succeeds, so frames do not pass through it.
 */
@ChannelHandler.Sharable
final class TlsHandshakeWatch extends ChannelInboundHandlerAdapter
{
    static final TlsHandshakeWatch INSTANCE = new TlsHandshakeWatch();
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatch.class);

    private TlsHandshakeWatch()
    {
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent)
        {
            final SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent)evt;
            if (done.isSuccess())
            {
                ctx.pipeline().remove(this);
            }
            else
            {
                LOG.warn("event=tls_handshake_failed remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                    rootMessage(done.cause()));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof SSLException ||
            (cause instanceof DecoderException && cause.getCause() instanceof SSLException))
        {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private static String rootMessage(final Throwable t)
    {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
