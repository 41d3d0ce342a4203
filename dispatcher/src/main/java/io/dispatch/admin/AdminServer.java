package io.dispatch.admin;

import io.dispatch.netty.AcceptedConnections;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HTTP endpoint for operators: {@code GET /health} (JSON) and {@code GET /metrics} (Prometheus text format),
 * open to anyone who reaches the port, plus routes registered by path prefix (e.g. {@code /tenants/} for
 * runtime rate changes), which change state or show message data and so answer only a request carrying
 * {@code Authorization: Bearer <token>} (401 otherwise); routes under {@code /health/} stay open, and so do the
 * operator console's static files under {@code /console} (see {@link ConsoleAssets}). One thread; serves snapshots
 * built by the suppliers it is given.
 */
public final class AdminServer implements AutoCloseable
{
    /** The largest request body: an MMS image upload (300 KB at the relay) with room to spare. */
    public static final int MAX_BODY_BYTES = 512 * 1024;

    /** Slow requests waiting beyond the one being answered; more are refused with 503 rather than queued unseen. */
    private static final int SLOW_QUEUE = 4;

    private final EventLoopGroup group;
    private final Channel channel;
    private final AcceptedConnections connections = new AcceptedConnections("admin");
    private final ThreadPoolExecutor slow = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(SLOW_QUEUE), new DefaultThreadFactory("admin-slow", true));

    public AdminServer(final String host, final int port, final Supplier<String> health, final Supplier<String> metrics)
        throws InterruptedException
    {
        this(host, port, health, metrics, Map.of(), null);
    }

    /**
     * @param token the bearer token the routes ask for; null refuses every routed request.
     */
    public AdminServer(
        final String host, final int port, final Supplier<String> health, final Supplier<String> metrics,
        final Map<String, AdminRoute> routes, final String token)
        throws InterruptedException
    {
        this(host, port, health, metrics, routes, token, null);
    }

    /**
     * @param token the bearer token the routes ask for; null refuses every routed request.
     * @param tls   HTTPS with these contexts ({@code admin.tls.*}), or null for plain HTTP. The files are checked
     *              for a change at each new connection (two stats; admin connections are rare), so a renewed
     *              certificate serves the next connection without a restart.
     */
    public AdminServer(
        final String host, final int port, final Supplier<String> health, final Supplier<String> metrics,
        final Map<String, AdminRoute> routes, final String token, final TlsContexts tls)
        throws InterruptedException
    {
        final byte[] expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        final ConsoleAssets console = new ConsoleAssets();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("admin-http", true), NioIoHandler.newFactory());
        channel = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.add(ch);
                    if (tls != null)
                    {
                        // on the admin server's one event loop: one checker at a time, as TlsContexts asks
                        tls.checkForChange();
                        ch.pipeline().addLast(tls.current().newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                        .addLast(new Handler(health, metrics, routes, expected, console, slow));
                }
            })
            .bind(host, port).sync().channel();
    }

    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connections.closeAll(2_000);
        slow.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final Supplier<String> health;
        private final Supplier<String> metrics;
        private final Map<String, AdminRoute> routes;
        private final byte[] expectedAuthorization;
        private final ConsoleAssets console;
        private final Executor slow;

        Handler(
            final Supplier<String> health, final Supplier<String> metrics, final Map<String, AdminRoute> routes,
            final byte[] expectedAuthorization, final ConsoleAssets console, final Executor slow)
        {
            this.slow = slow;
            this.health = health;
            this.metrics = metrics;
            this.routes = routes;
            this.expectedAuthorization = expectedAuthorization;
            this.console = console;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final String path = request.uri().split("\\?", 2)[0];
            FullHttpResponse response;
            try
            {
                response = serve(ctx, request, path);
            }
            catch (final RuntimeException ex)
            {
                // an operator gets an answer, never a hung connection
                response = respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", ex + "\n");
            }
            if (response != null)
            {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** @return the response, or null when a slow route answers later from its own thread. */
        private FullHttpResponse serve(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path)
        {
            switch (path)
            {
                case "/health":
                    return respond(HttpResponseStatus.OK, "application/json", health.get());
                case "/metrics":
                    return respond(HttpResponseStatus.OK, "text/plain; version=0.0.4", metrics.get());
                default:
                    if (ConsoleAssets.isConsolePath(path))
                    {
                        return consoleAsset(request, path);
                    }
                    return isOpen(path) || authorized(request) ? route(ctx, request, path) : unauthorized();
            }
        }

        private FullHttpResponse consoleAsset(final FullHttpRequest request, final String path)
        {
            final ConsoleAssets.Asset asset = console.get(path);
            if (asset == null)
            {
                return respond(HttpResponseStatus.NOT_FOUND, "text/plain",
                    "no console file " + path + "; open /console\n");
            }
            if (!request.method().name().equals("GET"))
            {
                return respond(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "the console's files are read with GET\n");
            }
            final FullHttpResponse r =
                respond(HttpResponseStatus.OK, asset.contentType(), Unpooled.wrappedBuffer(asset.bytes()));
            // the page loads only its own files and talks only to this port
            r.headers().set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            r.headers().set("X-Content-Type-Options", "nosniff");
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            return r;
        }

        private FullHttpResponse route(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path)
        {
            for (final Map.Entry<String, AdminRoute> r : routes.entrySet())
            {
                if (path.startsWith(r.getKey()))
                {
                    final String method = request.method().name();
                    final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
                    if (r.getValue().slow(path))
                    {
                        return slowly(ctx, r.getValue(), method, uri);
                    }
                    final byte[] body = new byte[request.content().readableBytes()];
                    request.content().getBytes(request.content().readerIndex(), body);
                    return respond(r.getValue().handle(method, uri, body));
                }
            }
            return respond(HttpResponseStatus.NOT_FOUND, "text/plain", "try /health, /metrics or " + routes.keySet() + "\n");
        }

        private FullHttpResponse slowly(
            final ChannelHandlerContext ctx, final AdminRoute route, final String method, final QueryStringDecoder uri)
        {
            try
            {
                slow.execute(() ->
                {
                    FullHttpResponse response;
                    try
                    {
                        response = respond(route.handle(method, uri));
                    }
                    catch (final RuntimeException ex)
                    {
                        response = respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", ex + "\n");
                    }
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                });
                return null;
            }
            catch (final RejectedExecutionException ex)
            {
                return respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                    "busy: " + SLOW_QUEUE + " slow admin requests (journal reads) are already waiting; retry\n");
            }
        }

        private static FullHttpResponse respond(final AdminReply reply)
        {
            return respond(HttpResponseStatus.valueOf(reply.status()),
                reply.body().startsWith("{") ? "application/json" : "text/plain", reply.body());
        }

        /** Health probes are open like /metrics: load balancers and orchestrators hold no secret; so are open routes. */
        private boolean isOpen(final String path)
        {
            if (path.startsWith("/health/"))
            {
                return true;
            }
            for (final Map.Entry<String, AdminRoute> r : routes.entrySet())
            {
                if (path.startsWith(r.getKey()))
                {
                    return r.getValue().open();
                }
            }
            return false;
        }

        private boolean authorized(final FullHttpRequest request)
        {
            final String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            // constant-time: the answer's timing must not tell how much of a guess was right
            return expectedAuthorization != null && given != null
                && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.US_ASCII));
        }

        private static FullHttpResponse unauthorized()
        {
            final FullHttpResponse r = respond(HttpResponseStatus.UNAUTHORIZED, "text/plain",
                "this endpoint needs the admin token: send 'Authorization: Bearer <token>' with the token of"
                + " admin.token (or, when none is configured, of the file <data.dir>/admin.token);"
                + " /health and /metrics are open\n");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"dispatch-admin\"");
            return r;
        }

        private static FullHttpResponse respond(final HttpResponseStatus status, final String type, final String body)
        {
            return respond(status, type, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        }

        private static FullHttpResponse respond(
            final HttpResponseStatus status, final String type, final ByteBuf body)
        {
            final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            // the server closes after each answer: say so, or a keep-alive client reuses the dead connection
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return r;
        }
    }
}
