package io.dispatch.load;

import org.junit.jupiter.api.Test;

import static io.dispatch.load.ReceiptCorrelator.NONE;
import static org.assertj.core.api.Assertions.assertThat;

class ReceiptCorrelatorTest
{
    private final ReceiptCorrelator correlator = new ReceiptCorrelator(4);

    @Test
    void shouldCompleteOnTheFirstCompletingReceiptAfterTheAck()
    {
        assertThat(correlator.onAcked(10, 1_000)).isEqualTo(NONE);
        assertThat(correlator.pendingE2e()).isEqualTo(1);

        assertThat(correlator.onCompletingReceipt(10, false, 5_000)).isEqualTo(1_000);
        assertThat(correlator.pendingE2e()).isZero();
    }

    @Test
    void shouldIgnoreTheTerminalReceiptAfterProviderAcceptedAndForgetTheId()
    {
        correlator.onAcked(10, 1_000);
        correlator.onCompletingReceipt(10, false, 5_000);

        assertThat(correlator.onCompletingReceipt(10, true, 9_000)).isEqualTo(NONE);
        assertThat(correlator.trackedIds()).isZero();
        assertThat(correlator.earlyReceipts()).isZero();
    }

    @Test
    void shouldCompleteOnATerminalReceiptThatComesFirst()
    {
        correlator.onAcked(11, 2_000);

        assertThat(correlator.onCompletingReceipt(11, true, 7_000)).isEqualTo(2_000);
        assertThat(correlator.trackedIds()).isZero();
        assertThat(correlator.pendingE2e()).isZero();
    }

    @Test
    void shouldHoldAReceiptThatOvertakesItsAckAndCompleteWithItsArrivalTime()
    {
        assertThat(correlator.onCompletingReceipt(12, false, 8_000)).isEqualTo(NONE);
        assertThat(correlator.earlyReceipts()).isEqualTo(1);

        assertThat(correlator.onAcked(12, 3_000)).isEqualTo(8_000);
        assertThat(correlator.pendingE2e()).isZero();
        assertThat(correlator.earlyReceipts()).isZero();
        // The later terminal receipt is recognised and cleans up.
        assertThat(correlator.onCompletingReceipt(12, true, 9_000)).isEqualTo(NONE);
        assertThat(correlator.trackedIds()).isZero();
    }

    @Test
    void shouldKeepNothingWhenBothReceiptsOvertakeTheAck()
    {
        correlator.onCompletingReceipt(13, false, 8_000);
        correlator.onCompletingReceipt(13, true, 9_000);

        assertThat(correlator.onAcked(13, 3_000)).isEqualTo(8_000);
        assertThat(correlator.trackedIds()).isZero();
        assertThat(correlator.earlyReceipts()).isZero();
    }

    @Test
    void shouldBoundEarlyReceiptsAndCountTheOverflow()
    {
        for (long id = 100; id < 110; id++)
        {
            correlator.onCompletingReceipt(id, true, 1);
        }
        assertThat(correlator.earlyReceipts()).isEqualTo(4);
        assertThat(correlator.earlyOverflow()).isEqualTo(6);
    }
}
