package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.GoodbyeFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;

import java.util.concurrent.TimeUnit;

/**
 * How a connection ends in order: the client's GOODBYE, or the engine's when it drains. Either way reading stops,
 * every answer owed is written, and only then does GOODBYE go out.
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only (part of its {@link SessionHandler}).
 */
final class SessionExit
{
    private static final long GOODBYE_LINGER_MS = 2_000;

    private final SessionHandler session;
    private boolean goodbyeReceived;
    private boolean goodbyeSent;
    /** The engine is draining: GOODBYE with this reason (an error code) once every answer owed is written. */
    private int leavingReason = -1;
    private long leavingRetryAfterMs;

    SessionExit(final SessionHandler session)
    {
        this.session = session;
    }

    boolean goodbyeReceived()
    {
        return goodbyeReceived;
    }

    /** @return whether frames read are processed: false once the engine's own GOODBYE went out. */
    boolean reading()
    {
        return leavingReason < 0 || !goodbyeSent;
    }

    /** @return whether reading stays off: a GOODBYE came or the engine is leaving. */
    boolean stopsReading()
    {
        return goodbyeReceived || leavingReason >= 0;
    }

    /** The client's GOODBYE: read nothing more; answer it once every answer owed is written. */
    void onGoodbye()
    {
        goodbyeReceived = true;
        session.ctx().channel().config().setAutoRead(false);
        maybeFinish();
    }

    /** The engine drains: read nothing more; GOODBYE with {@code reason} once every answer owed is written. */
    void leave(final int reason, final long retryAfterMs)
    {
        if (leavingReason < 0)
        {
            leavingReason = reason;
            leavingRetryAfterMs = retryAfterMs;
            session.ctx().channel().config().setAutoRead(false);
            if (session.hasParked())
            {
                session.replayParked(); // the engine is stopping: a waiting SUBMIT is answered SHUTTING_DOWN
            }
            maybeFinish();
        }
    }

    /** After anything that may have written the last answer owed. */
    void maybeFinish()
    {
        final ChannelHandlerContext ctx = session.ctx();
        if ((goodbyeReceived || leavingReason >= 0) && !goodbyeSent && session.outstanding() == 0
            && !session.hasParked() && ctx.channel().isActive())
        {
            goodbyeSent = true;
            final ByteBuf out = ctx.alloc().buffer(GoodbyeFlyweight.FRAME_LENGTH);
            if (leavingReason >= 0)
            {
                ByteBufFrames.goodbye(out, 0, leavingReason, leavingRetryAfterMs);
                ctx.writeAndFlush(out).addListener(f -> lingerAfterGoodbye(ctx));
            }
            else
            {
                ByteBufFrames.goodbye(out, 0, 0);
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * The engine's GOODBYE may cross requests the client is still writing. Closing with those unread would send
     * RST, and a RST can make the client's kernel drop the GOODBYE before it was read. So: send FIN, read and
     * discard until the client closes, and close anyway after {@link #GOODBYE_LINGER_MS}.
     */
    private static void lingerAfterGoodbye(final ChannelHandlerContext ctx)
    {
        if (ctx.channel() instanceof DuplexChannel duplex)
        {
            duplex.shutdownOutput();
        }
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> ctx.close(), GOODBYE_LINGER_MS, TimeUnit.MILLISECONDS);
    }
}
