package io.dispatch.status;

import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Loopback HTTP endpoint for operators: {@code GET /health} (JSON) and {@code GET /metrics}
 * (Prometheus text format). One thread; serves snapshots built by the suppliers it is given.
 */
public final class AdminServer implements AutoCloseable
{
    private final EventLoopGroup group;
    private final Channel channel;

    public AdminServer(final String host, final int port, final Supplier<String> health, final Supplier<String> metrics)
        throws InterruptedException
    {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("admin-http", true), NioIoHandler.newFactory());
        channel = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new Handler(health, metrics));
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
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final Supplier<String> health;
        private final Supplier<String> metrics;

        Handler(final Supplier<String> health, final Supplier<String> metrics)
        {
            this.health = health;
            this.metrics = metrics;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final String path = request.uri().split("\\?", 2)[0];
            final FullHttpResponse response;
            switch (path)
            {
                case "/health":
                    response = respond(HttpResponseStatus.OK, "application/json", health.get());
                    break;
                case "/metrics":
                    response = respond(HttpResponseStatus.OK, "text/plain; version=0.0.4", metrics.get());
                    break;
                default:
                    response = respond(HttpResponseStatus.NOT_FOUND, "text/plain", "try /health or /metrics\n");
            }
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private static FullHttpResponse respond(final HttpResponseStatus status, final String type, final String body)
        {
            final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            return r;
        }
    }
}
