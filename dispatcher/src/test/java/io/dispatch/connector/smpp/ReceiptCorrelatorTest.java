package io.dispatch.connector.smpp;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider id → message id, multipart rules, receipts that overtake their response, expiry. */
class ReceiptCorrelatorTest
{
    private final List<String> out = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final ReceiptCorrelator correlator =
        new ReceiptCorrelator((id, state, reason) -> out.add(id + " " + state + " " + reason), 1_000, 60_000, ticker,
            CorrelationLog.NONE);

    @Test
    void shouldReportOnlyAfterTheMessageWasArmed()
    {
        final ReceiptCorrelator.Tracking t = new ReceiptCorrelator.Tracking(42, 1);
        correlator.register("a1", t);
        correlator.onReceipt(receipt("a1", DeliveryState.DELIVERED));
        assertThat(out).isEmpty();
        t.arm((id, s, r) -> out.add(id + " " + s + " " + r));
        assertThat(out).containsExactly("42 DELIVERED NONE");
    }

    @Test
    void shouldDeliverAMultipartMessageOnlyWhenEveryPartIsDelivered()
    {
        final ReceiptCorrelator.Tracking t = armed(7, "p1", "p2", "p3");
        correlator.onReceipt(receipt("p1", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("p3", DeliveryState.DELIVERED));
        assertThat(out).isEmpty();
        correlator.onReceipt(receipt("p2", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("7 DELIVERED NONE");
        assertThat(t).isNotNull();
    }

    @Test
    void shouldEndAMultipartMessageOnTheFirstFailedPart()
    {
        armed(8, "q1", "q2");
        correlator.onReceipt(new DeliveryReceipts.Receipt("q2", DeliveryState.EXPIRED, Reason.RECIPIENT_UNREACHABLE));
        correlator.onReceipt(receipt("q1", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("8 EXPIRED RECIPIENT_UNREACHABLE");
    }

    @Test
    void shouldApplyAReceiptThatOvertookItsSubmitResponse()
    {
        correlator.onReceipt(receipt("early", DeliveryState.DELIVERED));
        assertThat(out).isEmpty();
        armed(9, "early");
        assertThat(out).containsExactly("9 DELIVERED NONE");
    }

    @Test
    void shouldMatchADecimalReceiptIdToAHexSubmitId()
    {
        armed(10, "ff01");
        correlator.onReceipt(receipt(Long.toString(0xff01), DeliveryState.DELIVERED));
        assertThat(out).containsExactly("10 DELIVERED NONE");
    }

    @Test
    void shouldMatchAReceiptThatOvertookItsResponseInTheOtherBase()
    {
        correlator.onReceipt(receipt(Long.toString(0xab12), DeliveryState.DELIVERED)); // decimal, before the resp
        assertThat(out).isEmpty();
        armed(14, "0000AB12");
        assertThat(out).containsExactly("14 DELIVERED NONE");
    }

    @Test
    void shouldCountAPartFoundUnderTwoKeysOnce()
    {
        // "10" reads as hex 0x10 and as decimal 10: one part, two keys; its receipt twice, once in each base
        armed(15, "10", "p2");
        correlator.onReceipt(receipt("16", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("10", DeliveryState.DELIVERED));
        assertThat(out).isEmpty();
        assertThat(correlator.tracked()).as("only p2 is left").isEqualTo(1);
        correlator.onReceipt(receipt("p2", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("15 DELIVERED NONE");
    }

    @Test
    void shouldLetAnIdAsWrittenWinOverAnotherIdsSecondReading()
    {
        // auto: hex "10000" read as decimal is 0x2710, the hex id of another message, in either order
        armed(17, "2710");
        armed(18, "10000");
        armed(20, "2711");
        armed(19, "10001");
        correlator.onReceipt(receipt("2710", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("2711", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("10000", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("10001", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("17 DELIVERED NONE", "20 DELIVERED NONE", "18 DELIVERED NONE",
            "19 DELIVERED NONE");
    }

    @Test
    void shouldNotTrackAPartAcceptedWithoutAnId()
    {
        armed(16, "", "q9");
        assertThat(correlator.tracked()).isEqualTo(1);
        correlator.onReceipt(new DeliveryReceipts.Receipt("q9", DeliveryState.FAILED, Reason.UNDELIVERABLE));
        assertThat(out).as("a failed part still ends the message").containsExactly("16 FAILED UNDELIVERABLE");
    }

    @Test
    void shouldIgnoreIntermediateStatesDuplicatesAndCancelledMessages()
    {
        armed(11, "i1");
        correlator.onReceipt(new DeliveryReceipts.Receipt("i1", null, Reason.NONE));
        assertThat(out).isEmpty();
        correlator.onReceipt(receipt("i1", DeliveryState.DELIVERED));
        correlator.onReceipt(receipt("i1", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("11 DELIVERED NONE");

        final ReceiptCorrelator.Tracking cancelled = new ReceiptCorrelator.Tracking(12, 1);
        correlator.register("c1", cancelled);
        cancelled.cancel();
        cancelled.arm((id, s, r) -> out.add("never"));
        correlator.onReceipt(receipt("c1", DeliveryState.DELIVERED));
        assertThat(out).containsExactly("11 DELIVERED NONE");
    }

    @Test
    void shouldForgetIdsAfterTheirTimeToLive()
    {
        armed(13, "old");
        nanos.addAndGet(61_000_000_000L);
        correlator.onReceipt(receipt("old", DeliveryState.DELIVERED));
        assertThat(out).isEmpty();
        assertThat(correlator.tracked()).isZero();
    }

    private ReceiptCorrelator.Tracking armed(final long messageId, final String... providerIds)
    {
        final ReceiptCorrelator.Tracking t = new ReceiptCorrelator.Tracking(messageId, providerIds.length);
        for (final String id : providerIds)
        {
            correlator.register(id, t);
        }
        t.arm((id, s, r) -> out.add(id + " " + s + " " + r));
        return t;
    }

    private static DeliveryReceipts.Receipt receipt(final String id, final DeliveryState state)
    {
        return new DeliveryReceipts.Receipt(id, state, Reason.NONE);
    }
}
