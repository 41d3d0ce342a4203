package io.dispatch.connector.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A non-blocking HTTP/1.1 client for one origin on Netty, shared by the HTTP connectors: a fixed pool of
 * keep-alive connections (no pipelining, so {@code maxConnections} is also the number of requests on the
 * wire; the rest wait for a connection inside the pool), a connect timeout, and a request timeout that
 * runs from {@link #post} to the end of the answer, so it also covers the wait for a connection.
 * <p>
 * <b>Threading:</b> {@link #post} from any thread. Everything else (pool, exchanges, timers, listener
 * calls) runs on the one {@link EventLoop} given at construction, so exchange state needs no locks.
 */
public final class HttpClientTransport implements AutoCloseable
{
    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("dispatch.http.exchange");

    private final EventLoop loop;
    private final URI origin;
    private final String hostHeader;
    private final long requestTimeoutMs;
    private final FixedChannelPool pool;
    private volatile boolean closed;

    /**
     * @param origin            scheme, host and port requests go to (the path is ignored: each post names its own).
     * @param ssl               client TLS context for https, or null for http.
     * @param maxResponseBytes  larger answers fail the exchange instead of being buffered.
     */
    public HttpClientTransport(
        final EventLoop loop,
        final URI origin,
        final SslContext ssl,
        final int maxConnections,
        final long connectTimeoutMs,
        final long requestTimeoutMs,
        final int maxResponseBytes)
    {
        this.loop = loop;
        this.origin = origin;
        this.requestTimeoutMs = requestTimeoutMs;
        final boolean https = "https".equals(origin.getScheme());
        final String host = origin.getHost();
        final int port = origin.getPort() > 0 ? origin.getPort() : https ? 443 : 80;
        this.hostHeader = origin.getPort() > 0 ? host + ":" + port : host;
        if (https && ssl == null)
        {
            throw new IllegalArgumentException("an https origin needs a TLS context: " + origin);
        }
        final Bootstrap bootstrap = new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .remoteAddress(host, port)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, connectTimeoutMs))
            .option(ChannelOption.TCP_NODELAY, true);
        this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler()
        {
            @Override
            public void channelCreated(final Channel ch)
            {
                final ChannelPipeline p = ch.pipeline();
                if (https)
                {
                    // hostname verification is on: the peer's certificate must name the origin's host
                    p.addLast(ssl.newHandler(ch.alloc(), host, port));
                }
                p.addLast(new HttpClientCodec());
                p.addLast(new HttpObjectAggregator(maxResponseBytes));
                p.addLast(new ExchangeHandler());
            }
        }, ChannelHealthChecker.ACTIVE, null, -1, maxConnections, Integer.MAX_VALUE, true, true);
    }

    public URI origin()
    {
        return origin;
    }

    /**
     * Sends {@code POST path} with a JSON body; exactly one listener call follows, on the event loop.
     * Never blocks; after {@link #close()} the listener gets an error.
     */
    public void post(final String path, final HttpHeaders headers, final byte[] body, final HttpResponseListener listener)
    {
        submit(new Exchange(HttpMethod.POST, path, headers, body, listener));
    }

    /**
     * Sends {@code GET pathAndQuery} (the caller encodes the query); exactly one listener call follows, on the
     * event loop. Never blocks; after {@link #close()} the listener gets an error.
     */
    public void get(final String pathAndQuery, final HttpHeaders headers, final HttpResponseListener listener)
    {
        submit(new Exchange(HttpMethod.GET, pathAndQuery, headers, null, listener));
    }

    private void submit(final Exchange exchange)
    {
        if (closed)
        {
            loop.execute(() -> exchange.fail(new ClosedChannelException(), false));
            return;
        }
        loop.execute(exchange::start);
    }

    @Override
    public void close()
    {
        closed = true;
        // closing the pool closes idle and acquired channels; their exchanges fail through channelInactive.
        // Bounded wait so the event loop is still alive for those failures; never called on the loop itself.
        pool.closeAsync().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** One request and its answer. Touched on the event loop only. */
    private final class Exchange
    {
        private final HttpMethod method;
        private final String path;
        private final HttpHeaders headers;
        private final byte[] body;
        private final HttpResponseListener listener;
        private ScheduledFuture<?> timeout;
        private Channel channel;
        private boolean written;
        private boolean done;

        Exchange(
            final HttpMethod method, final String path, final HttpHeaders headers, final byte[] body,
            final HttpResponseListener listener)
        {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
            this.listener = listener;
        }

        void start()
        {
            timeout = loop.schedule(this::onTimeout, requestTimeoutMs, TimeUnit.MILLISECONDS);
            pool.acquire().addListener(this::onAcquired);
        }

        private void onAcquired(final Future<? super Channel> f)
        {
            if (!f.isSuccess())
            {
                fail(f.cause(), false);
                return;
            }
            final Channel ch = (Channel)f.getNow();
            if (done)
            {
                pool.release(ch);
                return;
            }
            channel = ch;
            written = true;
            ch.attr(EXCHANGE).set(this);
            final FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, method, path, body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            request.headers()
                .set(headers)
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ch.writeAndFlush(request).addListener((ChannelFutureListener)w ->
            {
                if (!w.isSuccess())
                {
                    // channelInactive fails the exchange and returns the channel to the pool
                    w.channel().close();
                }
            });
        }

        private void onTimeout()
        {
            if (done)
            {
                return;
            }
            fail(new TimeoutException("no answer within " + requestTimeoutMs + " ms"), true);
            if (channel != null)
            {
                // the answer may still come: a fresh connection keeps later exchanges from reading it
                channel.close();
            }
        }

        void complete(final FullHttpResponse response)
        {
            if (done)
            {
                return;
            }
            done = true;
            timeout.cancel(false);
            final String text = response.content().toString(StandardCharsets.UTF_8);
            try
            {
                listener.onResponse(response.status().code(), response.headers(), text);
            }
            catch (final RuntimeException ex)
            {
                // a listener bug must not break the connection's pipeline; the exchange is over either way
            }
        }

        void fail(final Throwable cause, final boolean timedOut)
        {
            if (done)
            {
                return;
            }
            done = true;
            if (timeout != null)
            {
                timeout.cancel(false);
            }
            try
            {
                listener.onError(cause, timedOut, written);
            }
            catch (final RuntimeException ex)
            {
                // as in complete()
            }
        }
    }

    /** Matches the answer on a connection to the exchange that owns the connection, then returns it to the pool. */
    private final class ExchangeHandler extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final Exchange exchange = ctx.channel().attr(EXCHANGE).getAndSet(null);
            if (exchange == null)
            {
                // an answer nobody asked for: the connection is out of step, drop it
                ctx.close();
                return;
            }
            if (!HttpUtil.isKeepAlive(response))
            {
                ctx.close();
            }
            pool.release(ctx.channel());
            exchange.complete(response);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            final Exchange exchange = ctx.channel().attr(EXCHANGE).getAndSet(null);
            if (exchange != null)
            {
                pool.release(ctx.channel());
                exchange.fail(new ClosedChannelException(), false);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // TLS failures, oversized answers, resets: fail with the cause, then drop the connection
            final Exchange exchange = ctx.channel().attr(EXCHANGE).getAndSet(null);
            ctx.close();
            if (exchange != null)
            {
                pool.release(ctx.channel());
                exchange.fail(cause, false);
            }
        }
    }
}
