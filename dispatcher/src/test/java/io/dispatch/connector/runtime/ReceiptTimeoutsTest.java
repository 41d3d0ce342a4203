package io.dispatch.connector.runtime;

import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiptTimeoutsTest
{
    @Test
    void shouldExpirePerMessageWaitsInDeadlineOrderAndSkipReceivedOnes()
    {
        final ReceiptTimeouts timeouts = new ReceiptTimeouts(60_000, true);
        timeouts.await(1, MessageKind.INFORMATIONAL.code(), 1, false, 0, 120_000);
        timeouts.await(2, MessageKind.MARKETING.code(), 2, true, 0, 10_000);
        timeouts.await(3, MessageKind.AUTH.code(), 1, false, 1_000, timeouts.defaultWaitMs());
        timeouts.await(4, MessageKind.INFORMATIONAL.code(), 1, false, 2_000, 5_000);
        assertThat(timeouts.receipt(4)).as("confirmed in time").isNotNegative();

        assertThat(timeouts.pollExpired(9_999)).isEqualTo(-1);
        assertThat(timeouts.pollExpired(10_000)).isEqualTo(2);
        assertThat(ReceiptTimeouts.kindOf(timeouts.expiredValue())).isEqualTo(MessageKind.MARKETING.code());
        assertThat(ReceiptTimeouts.attemptsOf(timeouts.expiredValue())).isEqualTo(2);
        assertThat(ReceiptTimeouts.uncertain(timeouts.expiredValue())).isTrue();
        assertThat(timeouts.pollExpired(60_999)).isEqualTo(-1);
        assertThat(timeouts.pollExpired(61_000)).isEqualTo(3);
        assertThat(timeouts.pollExpired(119_999)).isEqualTo(-1);
        assertThat(timeouts.pollExpired(120_000)).isEqualTo(1);
        assertThat(timeouts.pollExpired(Long.MAX_VALUE)).as("each once").isEqualTo(-1);
        assertThat(timeouts.size()).isZero();
    }

    @Test
    void shouldKeepTheLanesOneWaitWithoutPerMessageWaits()
    {
        final ReceiptTimeouts timeouts = new ReceiptTimeouts(60_000, false);
        timeouts.await(1, MessageKind.INFORMATIONAL.code(), 1, false, 0);
        timeouts.await(2, MessageKind.INFORMATIONAL.code(), 1, false, 1_000);
        assertThat(timeouts.pollExpired(59_999)).isEqualTo(-1);
        assertThat(timeouts.pollExpired(60_000)).isEqualTo(1);
        assertThat(timeouts.pollExpired(61_000)).isEqualTo(2);
    }

    @Test
    void shouldNotHoldTheDeadlinesOfReceiptedMessagesForTheWholeTimeout()
    {
        final ReceiptTimeouts timeouts = new ReceiptTimeouts(90_000_000, false);
        final int capacity = timeouts.deadlineCapacity();
        // a provider answering within ~1,000 messages: far fewer awaited at once than the FIFO holds
        for (long id = 1; id <= 1_000_000; id++)
        {
            timeouts.await(id, MessageKind.INFORMATIONAL.code(), 1, false, id / 100);
            if (id > 1_000)
            {
                assertThat(timeouts.receipt(id - 1_000)).isNotNegative();
            }
        }

        assertThat(timeouts.size()).isEqualTo(1_000);
        assertThat(timeouts.deadlineCapacity()).as("receipted messages' deadlines dropped, not kept 25 h").isEqualTo(capacity);
        assertThat(timeouts.pollExpired(90_000_000 + 998_999L / 100)).as("receipted: no expiry").isEqualTo(-1);
        assertThat(timeouts.pollExpired(90_000_000 + 999_001L / 100)).isEqualTo(999_001);
        assertThat(timeouts.pollExpired(Long.MAX_VALUE)).isEqualTo(999_002);
    }
}
