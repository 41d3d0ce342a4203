package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead letter names the message's tenant, kind and attempts also when the message ended after the provider
 * accepted it (a failed receipt, or none in time), as most SMS do.
 */
class ConnectorLaneDeadLetterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameTenantKindAndAttemptsOfAMessageWhoseReceiptSaysFailed() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.retryBaseMs", "10", "lane.sms.retryMaxMs", "10")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.AUTH, ChannelType.SMS, "01012345678", 600);
            sms.submit(id, MessageKind.AUTH);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.settle();
            h.clock.advance(50);
            sms.settle();
            assertThat(sms.provider().acceptAll()).as("the second attempt").isEqualTo(1);
            sms.settle();
            sms.provider().receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);
            sms.settle();

            assertThat(sms.lane().deadLetters().newest(10)).containsExactly(new DeadLetters.Entry(id, h.clock.time(),
                sms.lane().name(), "demo", DeliveryState.FAILED, Reason.UNDELIVERABLE, 2, MessageKind.AUTH));
        }
    }

    @Test
    void shouldNameTenantKindAndAttemptsOfAMessageWhoseReceiptNeverCame() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.receiptTimeoutMs", "60000")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.MARKETING, ChannelType.SMS, "01012345678", 600);
            sms.submit(id, MessageKind.MARKETING);
            sms.settle();
            sms.provider().acceptAll();
            sms.settle();
            h.clock.advance(60_001);
            sms.settle();

            assertThat(sms.lane().deadLetters().newest(10)).containsExactly(new DeadLetters.Entry(id, h.clock.time(),
                sms.lane().name(), "demo", DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT, 1, MessageKind.MARKETING));
        }
    }

    @Test
    void shouldTakeTheKindOfAMessageRecoveredAsAwaitingItsReceiptFromTheJournal() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01012345678", 600);
            sms.lane().recoverAwaitingReceipt(id);
            sms.provider().receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);
            sms.settle();

            // the attempt count before a restart is not kept: 0 says unknown
            assertThat(sms.lane().deadLetters().newest(10)).containsExactly(new DeadLetters.Entry(id, h.clock.time(),
                sms.lane().name(), "demo", DeliveryState.FAILED, Reason.UNDELIVERABLE, 0, MessageKind.INFORMATIONAL));
        }
    }
}
