package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest
{
    @Test
    void shouldKeepTheNewestEntriesNewestFirstWhenTheRingWraps()
    {
        final DeadLetters ring = new DeadLetters("sms-test", 4);
        for (int i = 1; i <= 10; i++)
        {
            ring.add(i, 1_000 + i, "demo", DeliveryState.FAILED, Reason.RETRIES_EXHAUSTED, 5, MessageKind.MARKETING);
        }
        assertThat(ring.total()).isEqualTo(10);
        assertThat(ring.newest(100)).extracting(DeadLetters.Entry::messageId).containsExactly(10L, 9L, 8L, 7L);
        assertThat(ring.newest(2)).extracting(DeadLetters.Entry::messageId).containsExactly(10L, 9L);
        assertThat(ring.newest(1).get(0).toJson()).isEqualTo("{\"message_id\":10,\"at_ms\":1010,\"lane\":\"sms-test\","
            + "\"tenant\":\"demo\",\"state\":\"FAILED\",\"reason\":\"RETRIES_EXHAUSTED\",\"attempts\":5,\"kind\":\"MARKETING\"}");
        assertThat(new DeadLetters("empty", 16).newest(5)).isEmpty();
    }
}
