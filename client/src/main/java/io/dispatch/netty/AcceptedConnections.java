package io.dispatch.netty;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The connections a server accepted, so that its stop closes them itself rather than leaving it to the event loop
 * group's shutdown. {@code shutdownGracefully} with a zero quiet period closes a loop's channels only if the loop
 * sees the shutdown before its last {@code confirmShutdown()}: when the request lands between the two checks (Netty
 * 4.2's {@code SingleThreadIoEventLoop.run}), the loop exits, closes its selector and leaves the sockets open, so a
 * client never learns the engine stopped. Channels leave the group by themselves when they close.
 */
public final class AcceptedConnections
{
    private final ChannelGroup channels;

    public AcceptedConnections(final String name)
    {
        channels = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    }

    /** From the server's child initializer. */
    public void add(final Channel channel)
    {
        channels.add(channel);
    }

    /** Closes every connection still open; bounded by {@code timeoutMs}. Call before shutting the groups down. */
    public void closeAll(final long timeoutMs)
    {
        channels.close().awaitUninterruptibly(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public int size()
    {
        return channels.size();
    }
}
