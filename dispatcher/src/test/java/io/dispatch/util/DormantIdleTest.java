package io.dispatch.util;

import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DormantIdleTest
{
    private static final long AN_HOUR_NS = TimeUnit.HOURS.toNanos(1);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private final ConcurrentLinkedQueue<Long> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong taken = new AtomicLong();
    private final DormantIdle idle = new DormantIdle(NoOpIdleStrategy.INSTANCE, 100, AN_HOUR_NS);
    private volatile boolean running = true;
    private final Thread agent = new Thread(() ->
    {
        while (running)
        {
            int work = 0;
            for (Long v = inbox.poll(); v != null; v = inbox.poll())
            {
                taken.addAndGet(v);
                work++;
            }
            idle.idle(work);
        }
    }, "dormant-idle-test");

    @AfterEach
    void stop() throws InterruptedException
    {
        running = false;
        idle.wake();
        agent.join(TimeUnit.NANOSECONDS.toMillis(WAIT_NS));
    }

    @Test
    void aWakeShouldEndTheDormantParkOfAnIdleAgent()
    {
        agent.start();
        awaitTrue(idle::isDormant);
        awaitParked();

        inbox.add(7L);
        idle.wake(); // without it the agent would sleep for an hour

        awaitTrue(() -> taken.get() == 7);
        awaitTrue(idle::isDormant); // the work ended the dormant spell; 100 idle cycles start the next
        awaitParked();
        inbox.add(5L);
        idle.wake();
        awaitTrue(() -> taken.get() == 12);
    }

    @Test
    @Timeout(10)
    void theCycleThatAnnouncesDormancyShouldNotParkSoWorkPublishedBeforeItIsTaken()
    {
        for (int i = 0; i < 100; i++)
        {
            idle.idle(0);
        }
        assertThat(idle.isDormant()).isFalse();

        idle.idle(0); // announces; parking here (an hour) would miss what a producer offered before seeing it

        assertThat(idle.isDormant()).isTrue();
        idle.idle(1);
        assertThat(idle.isDormant()).isFalse();
    }

    private void awaitParked()
    {
        awaitTrue(() -> agent.getState() == Thread.State.TIMED_WAITING);
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadline).as("condition within 10 s").isNegative();
            Thread.onSpinWait();
        }
    }
}
