package io.dispatch.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A server's stop ends its connections even when the event loop is busy running tasks as the stop comes, which is
 * when {@code shutdownGracefully(0, ...)} lets the loop exit without closing its channels (the engine's receipt
 * bursts are such tasks: a subscriber once never learned the engine had stopped).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcceptedConnectionsTest
{
    private static final int STOPS = 20;

    @Test
    void shouldCloseEveryAcceptedConnectionWhenTheServerStopsUnderABusyLoop() throws Exception
    {
        for (int i = 0; i < STOPS; i++)
        {
            stopUnderBusyLoop();
        }
    }

    private static void stopUnderBusyLoop() throws Exception
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final AcceptedConnections connections = new AcceptedConnections("test");
        final CountDownLatch busy = new CountDownLatch(1);
        final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.add(ch);
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter()
                    {
                        @Override
                        public void channelActive(final ChannelHandlerContext ctx)
                        {
                            keepBusy(ctx.channel().eventLoop());
                            busy.countDown();
                        }
                    });
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        try (Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress)server.localAddress()).getPort()));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            connections.closeAll(5_000);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            assertClosedByPeer(client);
        }
    }

    /** Tasks back to back, each re-posting the next, until the loop shuts down. */
    private static void keepBusy(final EventLoop loop)
    {
        loop.execute(new Runnable()
        {
            @Override
            public void run()
            {
                final long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                if (!loop.isShuttingDown())
                {
                    loop.execute(this);
                }
            }
        });
    }

    private static void assertClosedByPeer(final Socket client) throws IOException
    {
        client.setSoTimeout(5_000);
        try
        {
            assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        catch (final SocketTimeoutException ex)
        {
            fail("the server stopped but its connection stayed open");
        }
        catch (final SocketException reset)
        {
            // a reset also tells the client the connection ended
        }
    }
}
