package io.dispatch.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-over of a connection's sender to its event loop, with the loop's task queue held in the test. */
class LoopSenderTest
{
    private static final long START = 5_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualClock clock = new ManualClock(START);
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final RunWindow window = RunWindow.ofSeconds(START, 0, 1);

    private LoopSender sender(final double rate, final SubmitSink sink, final Executor executor)
    {
        final ConnectionTracker tracker = new ConnectionTracker(0, window, clock);
        return new LoopSender(new SenderAgent(0, new OpenLoopSchedule(window, rate, 1), clock, sink,
            new InFlightRing(1024, tracker), tracker), executor);
    }

    @Test
    void shouldQueueOneRunForAnyNumberOfWakesBeforeItStarts()
    {
        final CapturingSink sink = new CapturingSink();
        final LoopSender sender = sender(1000, sink, loop::add);

        sender.wake();
        sender.wake();

        assertThat(loop).hasSize(1);
        loop.poll().run();
        assertThat(sink.intendedNs).containsExactly(START);
        assertThat(loop).isEmpty();
    }

    @Test
    void shouldRunAgainWhenWokenWhileRunningSoNoDueMessageWaitsForTheNextWake()
    {
        final LoopSender[] self = new LoopSender[1];
        final CapturingSink capture = new CapturingSink();
        // The pacer wakes the sender (a message came due) while its run is sending.
        final SubmitSink sink = (stream, index, listener) ->
        {
            self[0].wake();
            return capture.submit(stream, index, listener);
        };
        self[0] = sender(1000, sink, loop::add);
        self[0].wake();

        loop.poll().run();

        assertThat(loop).hasSize(1);
        clock.advance(MS);
        loop.poll().run();
        assertThat(capture.intendedNs).containsExactly(START, START + MS);
    }

    @Test
    void shouldSendABacklogInBurstsOfOneLoopTaskEach()
    {
        final CapturingSink sink = new CapturingSink();
        final LoopSender sender = sender(10_000, sink, loop::add);
        clock.advance(100 * MS);
        sender.wake();

        int runs = 0;
        Runnable run;
        while ((run = loop.poll()) != null)
        {
            run.run();
            runs++;
            assertThat(sink.intendedNs).hasSizeLessThanOrEqualTo(runs * SenderAgent.MAX_BURST);
        }

        assertThat(sink.intendedNs).hasSize(1001);
        assertThat(runs).isEqualTo(4);
    }

    @Test
    void shouldFinishAsFailedWhenTheLoopIsGone()
    {
        final LoopSender sender = sender(1000, new CapturingSink(), task ->
        {
            throw new RejectedExecutionException("event loop shut down");
        });

        sender.wake();

        assertThat(sender.isDone()).isTrue();
        assertThat(sender.hasFailed()).isTrue();
    }
}
