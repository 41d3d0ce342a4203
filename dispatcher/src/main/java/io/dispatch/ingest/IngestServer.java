package io.dispatch.ingest;

import io.dispatch.netty.AcceptedConnections;
import io.dispatch.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The TCP edge speaking protocol v1: one {@link SessionHandler} per connection, behind TLS when
 * {@code ingest.tls.certFile} is set ({@link TlsContexts}; docs/security.md).
 */
public final class IngestServer implements AutoCloseable
{
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final AcceptedConnections connections = new AcceptedConnections("ingest");
    private final TlsContexts tls;

    public IngestServer(final IngestContext context, final String host, final int port, final int ioThreads)
        throws InterruptedException
    {
        this(context, host, port, ioThreads, null);
    }

    /** @param tls the TLS contexts of the port, or null for plain TCP. */
    public IngestServer(
        final IngestContext context, final String host, final int port, final int ioThreads, final TlsContexts tls)
        throws InterruptedException
    {
        this.tls = tls;
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ingest-accept"), NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("ingest-io"), NioIoHandler.newFactory());
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // pooled buffers keep their NIO view: Netty 4.2's default adaptive allocator made one per socket read
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.add(ch);
                    if (tls != null)
                    {
                        // the context of the moment: a reload changes what new connections get, not open ones
                        ch.pipeline()
                            .addLast("tls-required", new TlsRequired())
                            .addLast("tls", tls.current().newHandler(ch.alloc()))
                            .addLast("tls-handshake", TlsHandshakeWatch.INSTANCE);
                    }
                    addHandlers(ch.pipeline(), context);
                }
            });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        if (tls != null && tls.reloadCheckMs() > 0)
        {
            // a few stat calls per period on the accept thread, which is otherwise idle between connections
            serverChannel.eventLoop().scheduleWithFixedDelay(
                tls::checkForChange, tls.reloadCheckMs(), tls.reloadCheckMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** The protocol v1 handlers of one connection; the fuzz tests drive the same pipeline over in-JVM channels. */
    public static void addHandlers(final ChannelPipeline pipeline, final IngestContext context)
    {
        pipeline
            .addLast("framer", new FrameDecoder(context.maxFrameLength))
            .addLast("session", new SessionHandler(context));
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** @return the TLS contexts of the port, or null when it is plain TCP. */
    public TlsContexts tls()
    {
        return tls;
    }

    /** Closes the listening socket (a drain: new connections are refused); existing connections stay. */
    public void stopAccepting()
    {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Stops accepting; existing connections are closed. */
    @Override
    public void close()
    {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        connections.closeAll(5_000);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
