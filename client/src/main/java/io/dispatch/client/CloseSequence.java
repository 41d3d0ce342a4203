package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.GoodbyeFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The steps of a close from READY, within {@link ClientConfig#closeTimeoutMs()}: the requests queued before the
 * close are written as credit allows, then GOODBYE, then the answers owed are awaited. The conductor calls
 * {@link #progress} whenever one of those may have moved (a flush, the GOODBYE write done, the tick, the deadline
 * timer) and finishes the close when it returns true. Time is the event loop's ticker, so the deadline and its
 * timer agree (and a test can move both).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the connection's I/O thread.
 */
final class CloseSequence
{
    private final EventLoop loop;
    private final long closeTimeoutMs;
    private final Runnable progress;
    private ScheduledFuture<?> deadlineTimer;
    private ChannelFuture goodbyeWrite;
    private long deadlineNs;

    /**
     * @param progress the conductor's step, run by the deadline timer and when the GOODBYE write completes.
     */
    CloseSequence(final EventLoop loop, final long closeTimeoutMs, final Runnable progress)
    {
        this.loop = loop;
        this.closeTimeoutMs = closeTimeoutMs;
        this.progress = progress;
    }

    void begin()
    {
        deadlineNs = loop.ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMs);
        deadlineTimer = loop.schedule(progress, closeTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /** @return true once GOODBYE is written (or being written): no request may follow it. */
    boolean goodbyeStarted()
    {
        return goodbyeWrite != null;
    }

    /**
     * One step: GOODBYE once nothing waits to be written, then the wait for the answers owed.
     *
     * @param channel      the session's channel, or null when it is gone.
     * @param allWritten   true when no request waits to be written.
     * @param allAnswered  true when no request waits for an answer.
     * @return true when the close is over: GOODBYE written and every answer in, the channel gone, or the deadline.
     */
    boolean progress(final Channel channel, final boolean allWritten, final boolean allAnswered)
    {
        if (loop.ticker().nanoTime() - deadlineNs >= 0 || channel == null)
        {
            return true;
        }
        if (goodbyeWrite == null)
        {
            if (!allWritten)
            {
                return false;
            }
            final ByteBuf goodbye = channel.alloc().ioBuffer(GoodbyeFlyweight.REASON_FRAME_LENGTH);
            ByteBufFrames.goodbye(goodbye, 0L, 0);
            goodbyeWrite = channel.writeAndFlush(goodbye);
            goodbyeWrite.addListener(f -> progress.run());
        }
        return goodbyeWrite.isDone() && allAnswered;
    }

    void cancel()
    {
        if (deadlineTimer != null)
        {
            deadlineTimer.cancel(false);
        }
    }
}
