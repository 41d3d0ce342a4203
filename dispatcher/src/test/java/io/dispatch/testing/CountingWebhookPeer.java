package io.dispatch.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider on loopback for drain and restart tests: a plain-HTTP webhook receiver that counts the requests
 * for each {@code X-Dispatch-Message-Id}, across as many engine runs as the test makes, and answers 200 after a
 * fixed delay (on a timer, never blocking its thread) or, while {@link #hold} is on, only at {@link #release()}.
 * Unlike a real receiver it does not deduplicate: a message sent twice is counted twice, which is the point.
 */
public final class CountingWebhookPeer implements AutoCloseable
{
    private final EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("counting-peer", true), NioIoHandler.newFactory());
    private final Channel server;
    private final Map<Long, AtomicInteger> requestsById = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<ChannelHandlerContext> held = new ArrayList<>();
    private final long answerDelayMs;
    private boolean hold;

    public CountingWebhookPeer(final long answerDelayMs) throws InterruptedException
    {
        this.answerDelayMs = answerDelayMs;
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
    }

    /** The engine settings that point {@code lane.<channel>} at this peer. */
    public String[] laneArgs(final String channel, final Path dir) throws Exception
    {
        final Path secret = Files.writeString(dir.resolve("webhook-secret"), "drain-test-secret");
        final String p = "lane." + channel + ".connector";
        return new String[] {
            "--set", p + "=webhook",
            "--set", p + ".url=http://127.0.0.1:" + port() + "/hook",
            "--set", p + ".allowPlainHttp=true",
            "--set", p + ".secretFile=" + secret,
            "--set", p + ".requestTimeoutMs=60000"};
    }

    public int port()
    {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    /** While on, requests are counted but not answered until {@link #release()}. */
    public void hold(final boolean on)
    {
        group.next().submit(() -> hold = on).syncUninterruptibly();
    }

    /** Answers every held request. */
    public void release()
    {
        group.next().submit(() ->
        {
            hold = false;
            held.forEach(CountingWebhookPeer::answer);
            held.clear();
        }).syncUninterruptibly();
    }

    public int requests()
    {
        return requests.get();
    }

    /** @return how often each message id was posted, over every engine run so far. */
    public Map<Long, Integer> countsById()
    {
        final Map<Long, Integer> out = new java.util.TreeMap<>();
        requestsById.forEach((id, n) -> out.put(id, n.get()));
        return out;
    }

    @Override
    public void close()
    {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void answer(final ChannelHandlerContext ctx)
    {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.wrappedBuffer(new byte[] {'{', '}'}));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
        ctx.writeAndFlush(r);
    }

    /** One thread (the group has one loop): {@link #held} and {@link #hold} need no lock. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final long id = Long.parseLong(request.headers().get("X-Dispatch-Message-Id"));
            requestsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            requests.incrementAndGet();
            if (hold)
            {
                held.add(ctx);
            }
            else if (answerDelayMs > 0)
            {
                ctx.executor().schedule(() -> answer(ctx), answerDelayMs, TimeUnit.MILLISECONDS);
            }
            else
            {
                answer(ctx);
            }
        }
    }
}
