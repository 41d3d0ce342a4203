package io.dispatch.load;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one connection's {@link SenderAgent} on that connection's own Netty event loop, when the
 * {@link PacedRunner} says a message is due. A submit is then a call on the client's I/O thread: the
 * message crosses no thread, and the client writes and flushes the whole burst once, right after this
 * task, instead of being woken per burst by a separate sender thread. So a connection costs one thread.
 * <p>
 * Netty's own timers cannot pace this: its NIO event loop polls the selector without blocking for the
 * last half millisecond before any scheduled deadline, so a timer due every few hundred microseconds
 * keeps the loop spinning (a full CPU in a test, with reads arriving meanwhile).
 * <p>
 * A backlog larger than {@link SenderAgent#MAX_BURST} goes out in bursts, each a task of its own, so the
 * connection's reads (ACKs) are served between them.
 * <p>
 * <b>Threading:</b> {@link #run()} on the event loop; {@link #wake()} and the getters from any thread.
 */
public final class LoopSender implements Runnable
{
    private final SenderAgent agent;
    private final Executor loop;
    /** Set while a run is queued on the loop; cleared when it starts, so a wake during a run runs again. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean abandoned;

    /** @param loop the event loop of the connection's client (or, in tests, any executor). */
    public LoopSender(final SenderAgent agent, final Executor loop)
    {
        this.agent = agent;
        this.loop = loop;
    }

    @Override
    public void run()
    {
        queued.set(false);
        if (agent.doWork() == SenderAgent.MAX_BURST && !agent.isDone())
        {
            wake();
        }
    }

    /** Queues a run on the loop unless one is queued already. */
    public void wake()
    {
        if (queued.get() || !queued.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            loop.execute(this);
        }
        catch (final RejectedExecutionException ex)
        {
            // The loop is shut down (the run is closing): nothing more can be sent on this connection.
            abandoned = true;
        }
    }

    /** @return true when the run is over for this connection (see {@link SenderAgent#isDone()}). */
    public boolean isDone()
    {
        return abandoned || agent.isDone();
    }

    /** @return true when the connection broke while sending, or its event loop was gone. */
    public boolean hasFailed()
    {
        return abandoned || agent.hasFailed();
    }

    public SenderAgent agent()
    {
        return agent;
    }
}
