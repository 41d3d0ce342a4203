package io.dispatch.ring;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RingPortsTest
{
    @Test
    void shouldComputeEveryReserveFromTheRingSizeAndHighWaterMark()
    {
        final RingPorts ports = new RingPorts(65536, 50);

        assertThat(ports.ingest().reserve()).isEqualTo(32768);
        assertThat(ports.scheduler().reserve()).isEqualTo(32768);
        assertThat(ports.cluster().reserve()).isEqualTo(32768);
        assertThat(ports.redrive().reserve()).isEqualTo(32768);
        assertThat(ports.credit().reserve()).as("credit stops at half the high-water mark").isEqualTo(49152);
        assertThat(ports.targeting().reserve()).as("a window of 4096").isEqualTo(65536 - 4096);
        assertThat(ports.lanes().reserve()).isZero();
        assertThat(ports.admin().reserve()).isZero();
        assertThat(ports.inbound().reserve()).isZero();
        assertThat(new RingPorts(1024, 50).targeting().reserve()).as("at most half a small ring").isEqualTo(512);
    }

    @Test
    void shouldClaimOnlyWhileTheReserveIsFree()
    {
        final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 8);
        ring.addGatingSequences(new Sequence()); // a consumer that never moves: claimed slots stay taken
        final RingPorts ports = new RingPorts(8, 50);
        for (int i = 0; i < 5; i++)
        {
            assertThat(ports.ingest().tryPublish(ring, (e, s, type) -> e.reset(type), DispatchEvent.CONSENT))
                .isEqualTo(i);
        }
        assertThat(ring.remainingCapacity()).isEqualTo(3);
        assertThat(ports.ingest().hasRoom(ring)).as("fewer than 4 free").isFalse();
        assertThat(ports.ingest().tryPublish(ring, (e, s, type) -> e.reset(type), DispatchEvent.CONSENT))
            .isEqualTo(RingPort.NO_ROOM);
        assertThat(ring.getCursor()).as("nothing claimed").isEqualTo(4);
        assertThat(ports.admin().tryPublish(ring, (e, s, type) -> e.reset(type), DispatchEvent.POLICY_UPDATE))
            .as("the admin port has no reserve").isEqualTo(5);
        assertThat(new RingPort("batch", 1).batchRoom(ring, 256)).as("2 free, 1 kept").isEqualTo(1);
        assertThat(new RingPort("batch", 2).batchRoom(ring, 256)).isZero();
    }
}
