package io.dispatch.connector.runtime;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lane's fallback enters the ring as a FALLBACK event after the lane's earlier state changes of the message, so
 * the journal stage appends them in that order and the hand-off stage, which runs after it, never hands a message
 * to the new lane before its move is journaled.
 */
class StatePublisherFallbackTest
{
    @Test
    void shouldPublishTheFallbackAfterTheStateChangesBeforeIt()
    {
        final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 8);
        final StatePublisher publisher = new StatePublisher(ring, new RingPort("lanes", 0));
        publisher.publish(42, DeliveryState.DISPATCHED, 1, ChannelType.CHAT.code(), Reason.NONE, 1_000);
        publisher.fallBack(42, ChannelType.SMS.code(), Reason.NOT_CHANNEL_USER, 1_005, true);

        assertThat(ring.getCursor()).isEqualTo(1);
        final DispatchEvent states = ring.get(0);
        assertThat(states.type).isEqualTo(DispatchEvent.STATE);
        assertThat(states.stateCount).isEqualTo(1);
        assertThat(StateRecords.state(states.body, 0)).isEqualTo(DeliveryState.DISPATCHED.code());
        final DispatchEvent move = ring.get(1);
        assertThat(move.type).isEqualTo(DispatchEvent.FALLBACK);
        assertThat(move.messageId).isEqualTo(42);
        assertThat(move.channel).isEqualTo(ChannelType.SMS.code());
        assertThat(move.reason).isEqualTo((short)Reason.NOT_CHANNEL_USER.code());
        assertThat(move.acceptedAtMs).isEqualTo(1_005);
        assertThat(publisher.flush()).as("nothing left to publish").isEqualTo(1);
    }
}
