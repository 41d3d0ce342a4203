package io.dispatch.connector.smpp;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Receipt text and TLVs as SMSCs send them. */
class DeliveryReceiptsTest
{
    @Test
    void shouldReadIdAndStatFromTheText()
    {
        final DeliveryReceipts.Receipt r = DeliveryReceipts.read(receipt(
            "id:0A1B2C sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:hello"));
        assertThat(r).isEqualTo(new DeliveryReceipts.Receipt("0A1B2C", DeliveryState.DELIVERED, Reason.NONE));
    }

    @Test
    void shouldMapEveryFinalStatAndIgnoreIntermediateOnes()
    {
        assertThat(DeliveryReceipts.fromStat("x", "EXPIRED").state()).isEqualTo(DeliveryState.EXPIRED);
        assertThat(DeliveryReceipts.fromStat("x", "UNDELIV").reason()).isEqualTo(Reason.UNDELIVERABLE);
        assertThat(DeliveryReceipts.fromStat("x", "REJECTD").reason()).isEqualTo(Reason.CONTENT_REJECTED);
        assertThat(DeliveryReceipts.fromStat("x", "DELETED").state()).isEqualTo(DeliveryState.FAILED);
        assertThat(DeliveryReceipts.fromStat("x", "ENROUTE").state()).isNull();
        assertThat(DeliveryReceipts.fromStat("x", "ACCEPTD").state()).isNull();
        assertThat(DeliveryReceipts.fromStat("x", null).state()).isNull();
    }

    @Test
    void shouldPreferTheReceiptedMessageIdAndMessageStateTlvs()
    {
        final DeliverSm sm = receipt("id:999 stat:DELIVRD");
        sm.setOptionalParameters(new OptionalParameter.Receipted_message_id("abc123"),
            new OptionalParameter.Message_state((byte)5));
        assertThat(DeliveryReceipts.read(sm))
            .isEqualTo(new DeliveryReceipts.Receipt("abc123", DeliveryState.FAILED, Reason.UNDELIVERABLE));
    }

    @Test
    void shouldToleratePartialAndOddlyCasedText()
    {
        assertThat(DeliveryReceipts.field("ID:77 Stat:DELIVRD", "id:")).isEqualTo("77");
        assertThat(DeliveryReceipts.field("id:77 stat:DELIVRD", "stat:")).isEqualTo("DELIVRD");
        assertThat(DeliveryReceipts.field("xid:77", "id:")).isNull();
        assertThat(DeliveryReceipts.read(receipt("stat:DELIVRD"))).isNull();
        assertThat(DeliveryReceipts.read(receipt(""))).isNull();
    }

    private static DeliverSm receipt(final String text)
    {
        final DeliverSm sm = new DeliverSm();
        sm.setEsmClass((byte)0x04);
        sm.setShortMessage(text.getBytes(StandardCharsets.US_ASCII));
        return sm;
    }
}
