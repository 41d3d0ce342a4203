package io.dispatch.connector.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/** Event loop groups for the HTTP connectors: one daemon thread each, named after the lane. */
public final class LoopGroups
{
    private LoopGroups()
    {
    }

    public static EventLoopGroup single(final String name)
    {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }

    /** Shuts down without a quiet period and waits a bounded time, so {@code stop} never hangs. */
    public static void shutdown(final EventLoopGroup group)
    {
        if (group != null)
        {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
