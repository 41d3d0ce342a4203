package io.dispatch.ring;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RingSlotTest
{
    @Test
    void aLanesFullestStateBatchShouldFitTheSlotBodyItWasGivenAtRingStart()
    {
        final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(RingTopology::newSlot, 16);
        final byte[] body = ring.get(0).body;
        final StatePublisher publisher = new StatePublisher(ring, new RingPort("lanes", 0));

        for (int i = 0; i < StateRecords.MAX_PER_BATCH; i++) // the last one flushes the batch
        {
            publisher.publish(i, DeliveryState.DELIVERED, 1, ChannelType.SMS.code(), Reason.NONE, 1_000 + i);
        }

        final DispatchEvent e = ring.get(0);
        assertThat(e.type).isEqualTo(DispatchEvent.STATE);
        assertThat(e.stateCount).isEqualTo(StateRecords.MAX_PER_BATCH);
        assertThat(e.body).as("not reallocated on the lane thread").isSameAs(body);
    }
}
