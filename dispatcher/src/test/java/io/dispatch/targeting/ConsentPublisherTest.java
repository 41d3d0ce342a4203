package io.dispatch.targeting;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The publisher against a real Disruptor ring whose consumer the test holds and releases. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConsentPublisherTest
{
    private static final int RING = 64;
    private static final int RESERVE = 32;

    private final CountDownLatch consumerGate = new CountDownLatch(1);
    private final List<String> consumed = new CopyOnWriteArrayList<>();
    private final Disruptor<DispatchEvent> disruptor = new Disruptor<>(DispatchEvent::new, RING,
        DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new BlockingWaitStrategy());
    private final Counters counters = new Counters();
    private final ConsentBodies bodies = new ConsentBodies();
    private final ConsentPublisher publisher;

    ConsentPublisherTest()
    {
        disruptor.handleEventsWith((e, sequence, endOfBatch) ->
        {
            consumerGate.await();
            if (e.type == DispatchEvent.CONSENT && e.session == null)
            {
                final int addressLength = e.body[6] & 0xFF;
                consumed.add(e.tenantId + ":" + new String(e.body, 7, addressLength, StandardCharsets.US_ASCII));
            }
        });
        publisher = new ConsentPublisher(disruptor.start(), new RingPort("targeting", RESERVE), counters,
            new DistinctErrorLog(counters));
    }

    @AfterEach
    void stopRing()
    {
        consumerGate.countDown();
        disruptor.halt();
    }

    private void addBodies(final int n)
    {
        final byte[] id = "u1".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++)
        {
            final byte[] address = ("0101111" + (1000 + i)).getBytes(StandardCharsets.US_ASCII);
            bodies.add(1, 8, 0, address, 0, address.length, "directory:".getBytes(StandardCharsets.US_ASCII), id, 0,
                id.length);
        }
    }

    private void awaitJournaled(final long nowMs) throws InterruptedException
    {
        while (!publisher.journaled(nowMs))
        {
            publisher.publish(nowMs);
            Thread.sleep(1);
        }
    }

    @Test
    void shouldPublishOnlyAboveTheClientsReserveAndTheRestOnLaterCycles() throws Exception
    {
        addBodies(100);
        publisher.start(bodies, 3);
        assertThat(publisher.publish(0)).isEqualTo(RING - RESERVE);
        assertThat(publisher.publish(0)).as("window full while the ring is held").isZero();
        assertThat(publisher.journaled(0)).isFalse();

        consumerGate.countDown();
        awaitJournaled(0);
        assertThat(consumed).hasSize(100).startsWith("3:01011111000").endsWith("3:01011111099");
    }

    @Test
    void shouldPublishEverythingAgainAfterAJournalFailureWhileTheyWereInTheRing() throws Exception
    {
        consumerGate.countDown();
        addBodies(3);
        publisher.start(bodies, 1);
        assertThat(publisher.publish(0)).isEqualTo(3);
        counters.increment(Counter.JOURNAL_FAILURES);
        while (consumed.size() < 3)
        {
            Thread.sleep(1);
        }
        assertThat(publisher.journaled(0)).isFalse();
        assertThat(publisher.publish(999)).as("a second's pause first").isZero();
        assertThat(publisher.publish(1000)).isEqualTo(3);
        awaitJournaled(1000);
        assertThat(consumed).hasSize(6);
    }
}
