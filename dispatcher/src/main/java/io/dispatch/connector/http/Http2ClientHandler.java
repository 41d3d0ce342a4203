package io.dispatch.connector.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/2 side of one {@link Http2Link} connection, in the style of Pushy's client handler: requests
 * are written straight through the connection's encoder (no child channel per stream), answers are
 * matched to their request by stream id, and a sweep every fraction of the request timeout resets the
 * streams that waited too long. Event loop only.
 */
final class Http2ClientHandler extends Http2ConnectionHandler implements Http2FrameListener
{
    private final Http2Link link;
    private final long requestTimeoutNs;
    private final int maxResponseBytes;
    private final IntObjectHashMap<Http2Request> streams = new IntObjectHashMap<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweeper;
    private boolean settingsReceived;
    private boolean retired;
    private Throwable cause;

    private Http2ClientHandler(
        final Http2ConnectionDecoder decoder, final Http2ConnectionEncoder encoder, final Http2Settings settings,
        final Http2Link link, final long requestTimeoutMs, final int maxResponseBytes)
    {
        super(decoder, encoder, settings);
        this.link = link;
        this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        this.maxResponseBytes = maxResponseBytes;
    }

    static Http2ClientHandler create(final Http2Link link, final long requestTimeoutMs, final int maxResponseBytes)
    {
        return new Builder(link, requestTimeoutMs, maxResponseBytes).build();
    }

    Channel channel()
    {
        return ctx.channel();
    }

    void write(final Http2Request request)
    {
        request.reset();
        final int id = connection().local().incrementAndGetNextStreamId();
        if (id < 0)
        {
            // stream ids ran out (2^30 requests): finish on this connection, continue on a new one
            retire();
            link.send(request);
            return;
        }
        request.streamId = id;
        request.deadlineNs = System.nanoTime() + requestTimeoutNs;
        streams.put(id, request);
        encoder().writeHeaders(ctx, id, request.headers(), 0, false, ctx.newPromise());
        final ChannelFuture data = encoder().writeData(ctx, id, request.body().retainedDuplicate(), 0, true, ctx.newPromise());
        if (data.isDone())
        {
            onWritten(data, id);
        }
        else
        {
            data.addListener(f -> onWritten((ChannelFuture)f, id));
        }
    }

    private void onWritten(final ChannelFuture f, final int id)
    {
        if (!f.isSuccess())
        {
            fail(id, f.cause(), false);
        }
    }

    void flush()
    {
        flush(ctx); // through the flow controller, then the socket
    }

    void close()
    {
        ctx.close();
    }

    // ---- connection events ----

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception
    {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        super.channelActive(ctx); // sends the connection preface first
        final long periodMs = Math.max(10, Math.min(1_000, TimeUnit.NANOSECONDS.toMillis(requestTimeoutNs) / 4));
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, periodMs, periodMs, TimeUnit.MILLISECONDS);
        link.onActive(this);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (sweeper != null)
        {
            sweeper.cancel(false);
        }
        final Throwable why = cause != null ? cause : new ClosedChannelException();
        failAll(why, Integer.MIN_VALUE);
        link.onInactive(this, settingsReceived, why);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception
    {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null)
        {
            super.exceptionCaught(ctx, cause); // stream errors reset the stream, connection errors send GOAWAY
            return;
        }
        // TLS failures, resets, a server that did not choose h2: the requests on it fail with this cause
        if (this.cause == null)
        {
            this.cause = cause;
        }
        ctx.close();
    }

    @Override
    protected void onStreamError(
        final ChannelHandlerContext ctx, final boolean outbound, final Throwable cause, final Http2Exception.StreamException error)
    {
        super.onStreamError(ctx, outbound, cause, error);
        fail(error.streamId(), error, false);
    }

    // ---- frames ----

    @Override
    public void onHeadersRead(
        final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers, final int padding, final boolean endOfStream)
    {
        final Http2Request request = streams.get(streamId);
        if (request == null)
        {
            return;
        }
        if (request.status == 0 && headers.status() != null)
        {
            final int status = AsciiString.of(headers.status()).parseInt();
            if (status >= 200) // 1xx answers are interim: the real one follows
            {
                request.status = status;
                request.responseHeaders = headers;
            }
        }
        if (endOfStream)
        {
            complete(streamId, request);
        }
    }

    @Override
    public void onHeadersRead(
        final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers, final int streamDependency,
        final short weight, final boolean exclusive, final int padding, final boolean endOfStream)
    {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(
        final ChannelHandlerContext ctx, final int streamId, final ByteBuf data, final int padding, final boolean endOfStream)
    {
        final int processed = data.readableBytes() + padding; // consumed at once: the flow-control window refills
        final Http2Request request = streams.get(streamId);
        if (request == null)
        {
            return processed;
        }
        final ByteBuf body = request.responseBody;
        if (body == null)
        {
            request.responseBody = data.retainedSlice();
        }
        else if (body.readableBytes() + data.readableBytes() > maxResponseBytes)
        {
            encoder().writeRstStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.newPromise());
            fail(streamId, new IOException("answer larger than " + maxResponseBytes + " bytes"), false);
            return processed;
        }
        else
        {
            final CompositeByteBuf composite = body instanceof CompositeByteBuf c ? c : ctx.alloc().compositeBuffer().addComponent(true, body);
            request.responseBody = composite.addComponent(true, data.retainedSlice());
        }
        if (endOfStream)
        {
            complete(streamId, request);
        }
        return processed;
    }

    @Override
    public void onRstStreamRead(final ChannelHandlerContext ctx, final int streamId, final long errorCode)
    {
        fail(streamId, new IOException("stream reset by the server: " + Http2Error.valueOf(errorCode)), false);
    }

    @Override
    public void onGoAwayRead(final ChannelHandlerContext ctx, final int lastStreamId, final long errorCode, final ByteBuf debugData)
    {
        // streams above lastStreamId were never processed; the rest may still be answered
        retire();
        failAll(new IOException("GOAWAY from the server: " + Http2Error.valueOf(errorCode)), lastStreamId);
        closeIfDone();
    }

    @Override
    public void onSettingsRead(final ChannelHandlerContext ctx, final Http2Settings settings)
    {
        settingsReceived = true;
        final Long maxStreams = settings.maxConcurrentStreams();
        if (maxStreams != null)
        {
            link.serverLimit(maxStreams);
        }
    }

    @Override
    public void onPriorityRead(
        final ChannelHandlerContext ctx, final int streamId, final int streamDependency, final short weight, final boolean exclusive)
    {
    }

    @Override
    public void onSettingsAckRead(final ChannelHandlerContext ctx)
    {
    }

    @Override
    public void onPingRead(final ChannelHandlerContext ctx, final long data)
    {
    }

    @Override
    public void onPingAckRead(final ChannelHandlerContext ctx, final long data)
    {
    }

    @Override
    public void onPushPromiseRead(
        final ChannelHandlerContext ctx, final int streamId, final int promisedStreamId, final Http2Headers headers, final int padding)
    {
    }

    @Override
    public void onWindowUpdateRead(final ChannelHandlerContext ctx, final int streamId, final int windowSizeIncrement)
    {
    }

    @Override
    public void onUnknownFrame(
        final ChannelHandlerContext ctx, final byte frameType, final int streamId,
        final io.netty.handler.codec.http2.Http2Flags flags, final ByteBuf payload)
    {
    }

    // ---- exchanges ----

    private void complete(final int streamId, final Http2Request request)
    {
        streams.remove(streamId);
        final ByteBuf body = request.responseBody;
        request.responseBody = null;
        try
        {
            request.onResponse(request.status, request.responseHeaders, body != null ? body : Unpooled.EMPTY_BUFFER);
        }
        catch (final RuntimeException ex)
        {
            // a listener bug must not break the connection; the exchange is over either way
        }
        finally
        {
            if (body != null)
            {
                body.release();
            }
        }
        closeIfDone();
    }

    private void fail(final int streamId, final Throwable why, final boolean timedOut)
    {
        final Http2Request request = streams.remove(streamId);
        if (request == null)
        {
            return;
        }
        if (request.responseBody != null)
        {
            request.responseBody.release();
            request.responseBody = null;
        }
        try
        {
            request.onError(why, timedOut);
        }
        catch (final RuntimeException ex)
        {
            // as in complete()
        }
        closeIfDone();
    }

    /** Fails every open request with a stream id above {@code aboveId}. */
    private void failAll(final Throwable why, final int aboveId)
    {
        if (streams.isEmpty())
        {
            return;
        }
        final int[] ids = streams.keySet().stream().mapToInt(Integer::intValue).filter(id -> id > aboveId).toArray();
        for (final int id : ids)
        {
            fail(id, why, false);
        }
    }

    private void sweep()
    {
        if (streams.isEmpty())
        {
            return;
        }
        final long now = System.nanoTime();
        int expired = 0;
        for (final IntObjectMap.PrimitiveEntry<Http2Request> e : streams.entries())
        {
            if (now - e.value().deadlineNs >= 0)
            {
                expired++;
            }
        }
        if (expired == 0)
        {
            return;
        }
        final int[] ids = new int[expired];
        int i = 0;
        for (final IntObjectMap.PrimitiveEntry<Http2Request> e : streams.entries())
        {
            if (now - e.value().deadlineNs >= 0 && i < ids.length)
            {
                ids[i++] = e.key();
            }
        }
        for (final int id : ids)
        {
            // through the encoder: a stream still buffered behind the server's limit is dropped, not reset
            encoder().writeRstStream(ctx, id, Http2Error.CANCEL.code(), ctx.newPromise());
            fail(id, new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(requestTimeoutNs) + " ms"), true);
        }
        flush(ctx);
    }

    private void retire()
    {
        if (!retired)
        {
            retired = true;
            link.retire(this);
        }
    }

    private void closeIfDone()
    {
        if (retired && streams.isEmpty() && ctx.channel().isOpen())
        {
            ctx.close();
        }
    }

    /** Client side, push off, and streams beyond the server's limit buffered rather than refused. */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2ClientHandler, Builder>
    {
        private final Http2Link link;
        private final long requestTimeoutMs;
        private final int maxResponseBytes;

        Builder(final Http2Link link, final long requestTimeoutMs, final int maxResponseBytes)
        {
            this.link = link;
            this.requestTimeoutMs = requestTimeoutMs;
            this.maxResponseBytes = maxResponseBytes;
            server(false);
            encoderEnforceMaxConcurrentStreams(true);
            initialSettings(Http2Settings.defaultSettings().pushEnabled(false));
            gracefulShutdownTimeoutMillis(0); // callers close after their requests ended (or gave up on them)
        }

        @Override
        public Http2ClientHandler build()
        {
            return super.build();
        }

        @Override
        protected Http2ClientHandler build(
            final Http2ConnectionDecoder decoder, final Http2ConnectionEncoder encoder, final Http2Settings initialSettings)
        {
            final Http2ClientHandler handler = new Http2ClientHandler(decoder, encoder, initialSettings, link, requestTimeoutMs,
                maxResponseBytes);
            frameListener(handler);
            return handler;
        }
    }
}
