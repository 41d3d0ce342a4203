package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A receipt wait recovered after a restart keeps the deadline set at provider acceptance, not a fresh one. */
@Timeout(30)
class ConnectorLaneReceiptRecoveryTest
{
    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void shouldExpireAtOnceWhatIsPastItsReceiptDeadlineAndTheRestAtTheirOriginalDeadline() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.receiptTimeoutMs", Long.toString(25 * HOUR_MS))))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long overdue = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011112222", 3600);
            final long recent = h.accept(MessageKind.MARKETING, ChannelType.SMS, "01033334444", 3600);
            // as Recovery hands them over: oldest provider acceptance first
            sms.lane().recoverAwaitingReceipt(overdue, MessageKind.INFORMATIONAL.code(),
                LaneHarness.START_MS - 25 * HOUR_MS - 1, false);
            sms.lane().recoverAwaitingReceipt(recent, MessageKind.MARKETING.code(), LaneHarness.START_MS - 23 * HOUR_MS,
                false);

            sms.settle();
            assertThat(sms.states().of(overdue)).extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .as("past its deadline before the restart: ends at the first duty cycle")
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT));
            assertThat(sms.states().of(recent)).isEmpty();

            h.clock.advance(2 * HOUR_MS - 1);
            sms.settle();
            assertThat(sms.states().of(recent)).as("two hours left, not 25").isEmpty();
            h.clock.advance(1);
            sms.settle();
            assertThat(sms.states().of(recent)).extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT));
        }
    }

    @Test
    void shouldCountFromNowWhenTheClockSteppedBackBelowTheRecordedAcceptance() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.receiptTimeoutMs", Long.toString(HOUR_MS))))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long ahead = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011112222", 3600);
            sms.lane().recoverAwaitingReceipt(ahead, MessageKind.INFORMATIONAL.code(), LaneHarness.START_MS + 10 * HOUR_MS,
                false);
            h.clock.advance(HOUR_MS);
            sms.settle();
            assertThat(sms.states().of(ahead)).extracting(CapturingStateSink.Change::reason)
                .as("a future acceptance time never stretches the wait").containsExactly(Reason.RECEIPT_TIMEOUT);
        }
    }
}
