package io.dispatch.connector.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small HTTP/1.1 server that hands each complete request to one {@link Handler} and writes its answer:
 * the Kakao connector's result-webhook endpoint, and the loopback provider peers in tests.
 * Bodies over {@code maxBodyBytes} get 413 from Netty's aggregator; idle connections close after 60 s.
 * <p>
 * <b>Threading:</b> the handler runs on the event loop of the connection, so it must not block.
 */
public final class HttpReceiver implements AutoCloseable
{
    private static final int IDLE_SECONDS = 60;

    /** Decides the answer to one request; runs on an event loop. */
    @FunctionalInterface
    public interface Handler
    {
        /** @return the answer, or null to answer nothing (test peers use it to play a stalled server). */
        Answer handle(FullHttpRequest request);
    }

    /**
     * Decides the answer to one request later, e.g. once what it carried is journaled (the chat connectors' inbound
     * webhooks). Runs on an event loop and must not block; read what it needs from the request before returning,
     * since the request is released then. The answer is written on the connection's event loop when the future
     * completes; a future that fails answers 500.
     */
    @FunctionalInterface
    public interface AsyncHandler
    {
        CompletableFuture<Answer> handle(FullHttpRequest request);
    }

    /** An answer: status, JSON (or empty) body, extra headers. */
    public record Answer(int status, String body, Map<String, String> headers)
    {
        public static Answer of(final int status, final String body)
        {
            return new Answer(status, body, Map.of());
        }
    }

    private final Channel serverChannel;

    private HttpReceiver(final Channel serverChannel)
    {
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving; blocks until bound.
     *
     * @param port 0 for any free port (see {@link #port()}).
     * @param ssl  server TLS context, or null for plain HTTP.
     */
    public static HttpReceiver start(
        final EventLoopGroup group, final String host, final int port, final SslContext ssl, final int maxBodyBytes,
        final Handler handler) throws InterruptedException
    {
        return startAsync(group, host, port, ssl, maxBodyBytes,
            request -> CompletableFuture.completedFuture(handler.handle(request)));
    }

    /** As {@link #start}, with answers that may come later. */
    public static HttpReceiver startAsync(
        final EventLoopGroup group, final String host, final int port, final SslContext ssl, final int maxBodyBytes,
        final AsyncHandler handler) throws InterruptedException
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (ssl != null)
                    {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast(
                        new ReadTimeoutHandler(IDLE_SECONDS),
                        new HttpServerCodec(),
                        new HttpObjectAggregator(maxBodyBytes),
                        new RequestHandler(handler));
                }
            });
        return new HttpReceiver(bootstrap.bind(host, port).sync().channel());
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    public String host()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getAddress().getHostAddress();
    }

    /** Stops accepting; open connections close with their event loop group. */
    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
    }

    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private static final Answer INTERNAL_ERROR = Answer.of(500, "{\"error\":\"internal error\"}");

        private final AsyncHandler handler;

        RequestHandler(final AsyncHandler handler)
        {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            if (!request.decoderResult().isSuccess())
            {
                write(ctx, Answer.of(400, "{\"error\":\"malformed HTTP request\"}"), keepAlive);
                return;
            }
            CompletableFuture<Answer> answer;
            try
            {
                answer = handler.handle(request);
            }
            catch (final RuntimeException ex)
            {
                answer = CompletableFuture.completedFuture(INTERNAL_ERROR);
            }
            if (answer.isDone() && !answer.isCompletedExceptionally())
            {
                write(ctx, answer.join(), keepAlive);
                return;
            }
            answer.whenComplete((a, failure) -> ctx.executor().execute(() ->
                write(ctx, failure != null ? INTERNAL_ERROR : a, keepAlive)));
        }

        private static void write(final ChannelHandlerContext ctx, final Answer answer, final boolean keepAlive)
        {
            if (answer == null)
            {
                return;
            }
            final byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(body));
            answer.headers().forEach(response.headers()::set);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            HttpUtil.setContentLength(response, body.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            final var written = ctx.writeAndFlush(response);
            if (!keepAlive)
            {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // read timeouts, TLS failures, resets: the client sees a closed connection
            ctx.close();
        }
    }
}
