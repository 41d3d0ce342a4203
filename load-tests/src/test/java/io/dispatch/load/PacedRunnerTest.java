package io.dispatch.load;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pacing thread and the per-connection senders on real Netty event loops and the real clock: every
 * submit happens on the connection's own loop, and every message of the schedule goes out exactly once,
 * in order, even when a loop is held up long enough for a backlog of several bursts to build up.
 */
class PacedRunnerTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private final NanoClock clock = SystemNanoClock.INSTANCE;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void shutdown()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    /** Records what a connection submitted and whether each submit ran on the connection's loop. */
    private static final class LoopSink implements SubmitSink
    {
        private final EventLoop loop;
        final List<Long> globalIndexes = new ArrayList<>();
        int offLoop;

        LoopSink(final EventLoop loop)
        {
            this.loop = loop;
        }

        @Override
        public boolean submit(final int stream, final long streamIndex, final InFlightSubmit listener)
        {
            offLoop += loop.inEventLoop() ? 0 : 1;
            globalIndexes.add(streamIndex);
            listener.onAck(streamIndex + 1, false);
            return true;
        }
    }

    @Test
    void shouldSendEveryMessageOnceOnTheConnectionsOwnLoopEvenThroughABacklog() throws Exception
    {
        final RunWindow window = new RunWindow(clock.nanoTime() + 50 * MS, 0, 300 * MS);
        final OpenLoopSchedule schedule = new OpenLoopSchedule(window, 20_000, 2);
        final List<LoopSink> sinks = new ArrayList<>();
        final List<LoopSender> senders = new ArrayList<>();
        final List<ConnectionTracker> trackers = new ArrayList<>();
        final EventLoop[] loops = {group.next(), group.next()};
        for (int c = 0; c < 2; c++)
        {
            final ConnectionTracker tracker = new ConnectionTracker(c, window, clock);
            final LoopSink sink = new LoopSink(loops[c]);
            senders.add(new LoopSender(
                new SenderAgent(c, schedule, clock, sink, new InFlightRing(1024, tracker), tracker), loops[c]));
            sinks.add(sink);
            trackers.add(tracker);
        }
        // Connection 0's loop is held up for the first 100 ms of the run: about 1,000 of its messages (several
        // bursts of SenderAgent.MAX_BURST) are due when it resumes.
        final CountDownLatch release = new CountDownLatch(1);
        loops[0].execute(() -> awaitQuietly(release));
        final PacedRunner pacer = new PacedRunner(senders, clock);
        final Thread pacing = new Thread(pacer, "test-pacer");
        pacing.start();
        LockSupport.parkNanos(window.startNs() + 100 * MS - clock.nanoTime());
        release.countDown();

        pacing.join(TimeUnit.NANOSECONDS.toMillis(WAIT_NS));
        assertThat(pacing.isAlive()).isFalse();
        final long deadlineNs = clock.nanoTime() + WAIT_NS;
        while (!(senders.get(0).isDone() && senders.get(1).isDone()) && clock.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(MS);
        }
        // Each loop has finished its sender's last run: read the sinks on the loops that wrote them.
        for (int c = 0; c < 2; c++)
        {
            final int connection = c;
            final List<Long> sent = loops[c].submit(() -> new ArrayList<>(sinks.get(connection).globalIndexes)).get(
                5, TimeUnit.SECONDS);
            final int offLoop = loops[c].submit(() -> sinks.get(connection).offLoop).get(5, TimeUnit.SECONDS);

            assertThat(senders.get(c).isDone()).isTrue();
            assertThat(senders.get(c).hasFailed()).isFalse();
            assertThat(offLoop).isZero();
            assertThat(sent).hasSize((int)(schedule.totalMessages() / 2));
            for (int i = 0; i < sent.size(); i++)
            {
                assertThat(sent.get(i)).isEqualTo(schedule.globalIndex(c, i));
            }
            assertThat(trackers.get(c).measured().acked()).isEqualTo(sent.size());
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
