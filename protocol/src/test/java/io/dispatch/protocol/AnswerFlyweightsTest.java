package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each answer layout is written by one flyweight and read back by a fresh one, at an offset that is not 0 (as in
 * the engine's outbound queue); a few fields are also read at the literal offsets docs/protocol.md gives, so a
 * constant cannot drift from the documented wire layout unnoticed.
 */
class AnswerFlyweightsTest
{
    private static final int AT = 40;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);

    @Test
    void shouldRoundTripAnAck()
    {
        final AckFlyweight w = new AckFlyweight().wrap(buffer, AT);
        w.header(MessageType.ACK, AckFlyweight.FRAME_LENGTH, 77);
        w.messageId(1L << 40 | 5).outcome(AckFlyweight.DUPLICATE);

        final AckFlyweight r = new AckFlyweight().wrap(buffer, AT);
        assertThat(r.type()).isEqualTo(MessageType.ACK);
        assertThat(r.correlationId()).isEqualTo(77);
        assertThat(r.frameLength()).isEqualTo(25);
        assertThat(r.messageId()).isEqualTo(1L << 40 | 5);
        assertThat(r.outcome()).isEqualTo(AckFlyweight.DUPLICATE);
        assertThat(buffer.getInt(AT, ByteOrder.LITTLE_ENDIAN)).as("length field: bytes after it").isEqualTo(21);
        assertThat(buffer.getByte(AT + 4)).as("version").isEqualTo(FrameDescriptor.CURRENT_VERSION);
        assertThat(buffer.getByte(AT + 24)).as("outcome at body + 8").isEqualTo(AckFlyweight.DUPLICATE);
    }

    @Test
    void shouldRoundTripANackWithItsDetail()
    {
        final byte[] detail = "var x (used by the template) — 한국어".getBytes(StandardCharsets.UTF_8);
        final NackFlyweight w = new NackFlyweight().wrap(buffer, AT);
        w.header(MessageType.NACK, NackFlyweight.frameLength(detail.length), 9);
        w.code(ErrorCode.INVALID_FIELD).detail(detail);

        final NackFlyweight r = new NackFlyweight().wrap(buffer, AT);
        assertThat(r.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.detailLength()).isEqualTo(detail.length);
        assertThat(r.detail()).isEqualTo("var x (used by the template) — 한국어");
        assertThat(r.bodyLength()).isEqualTo(4 + detail.length);
        assertThat(buffer.getShort(AT + 16, ByteOrder.LITTLE_ENDIAN)).isEqualTo((short)10);
    }

    @Test
    void shouldCutALongDetailTo1024Bytes()
    {
        assertThat(NackFlyweight.encodeDetail("x".repeat(3000))).hasSize(NackFlyweight.MAX_DETAIL_LENGTH);
        assertThat(NackFlyweight.encodeDetail(null)).isEmpty();
    }

    @Test
    void shouldRoundTripACancelResult()
    {
        final CancelResultFlyweight w = new CancelResultFlyweight().wrap(buffer, AT);
        w.header(MessageType.CANCEL_RESULT, CancelResultFlyweight.FRAME_LENGTH, 3);
        w.messageId(42).result(CancelResultFlyweight.NOT_DEFERRED);

        final CancelResultFlyweight r = new CancelResultFlyweight().wrap(buffer, AT);
        assertThat(r.messageId()).isEqualTo(42);
        assertThat(r.result()).isEqualTo(CancelResultFlyweight.NOT_DEFERRED);
        assertThat(r.type()).isEqualTo(MessageType.CANCEL_RESULT);
    }

    @Test
    void shouldWriteACancelResultThroughFrames()
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
        assertThat(Frames.cancelResult(out, AT, 8, 1L << 35, CancelResultFlyweight.DONE))
            .isEqualTo(CancelResultFlyweight.FRAME_LENGTH);
        final CancelResultFlyweight r = new CancelResultFlyweight().wrap(out, AT);
        assertThat(r.type()).isEqualTo(MessageType.CANCEL_RESULT);
        assertThat(r.correlationId()).isEqualTo(8);
        assertThat(r.frameLength()).isEqualTo(CancelResultFlyweight.FRAME_LENGTH);
        // u64 messageId, u8 result
        assertThat(out.getLong(AT + 16, ByteOrder.LITTLE_ENDIAN)).isEqualTo(1L << 35);
        assertThat(out.getByte(AT + 24)).isEqualTo(CancelResultFlyweight.DONE);
    }

    @Test
    void shouldRoundTripAStatusResult()
    {
        final StatusResultFlyweight w = new StatusResultFlyweight().wrap(buffer, AT);
        w.header(MessageType.STATUS_RESULT, StatusResultFlyweight.FRAME_LENGTH, 4);
        w.messageId(99).state(DeliveryState.DELIVERED.code()).attempts(200).reason(0xFFFE).updatedAtMs(1_700_000_000_123L)
            .channel(ChannelType.SMS.code()).kind(MessageKind.MARKETING.code());

        final StatusResultFlyweight r = new StatusResultFlyweight().wrap(buffer, AT);
        assertThat(r.messageId()).isEqualTo(99);
        assertThat(r.state()).isEqualTo((int)DeliveryState.DELIVERED.code());
        assertThat(r.attempts()).as("unsigned").isEqualTo(200);
        assertThat(r.reason()).as("unsigned").isEqualTo(0xFFFE);
        assertThat(r.updatedAtMs()).isEqualTo(1_700_000_000_123L);
        assertThat(r.channel()).isEqualTo((int)ChannelType.SMS.code());
        assertThat(r.kind()).isEqualTo((int)MessageKind.MARKETING.code());
        assertThat(r.frameLength()).isEqualTo(16 + 22);
        assertThat(buffer.getByte(AT + 16 + 21)).as("kind at body + 21").isEqualTo((byte)MessageKind.MARKETING.code());
    }

    @Test
    void shouldRoundTripAReceiptWithItsPosition()
    {
        final ReceiptFlyweight w = new ReceiptFlyweight().wrap(buffer, AT);
        w.header(MessageType.RECEIPT, ReceiptFlyweight.FRAME_LENGTH, 0);
        w.messageId(7).state(DeliveryState.FAILED.code()).attempts(3).reason(Reason.CONTENT_REJECTED.code())
            .atMs(123).channel(ChannelType.CHAT.code()).position(5L << 20 | 1);

        final ReceiptFlyweight r = new ReceiptFlyweight().wrap(buffer, AT);
        assertThat(r.messageId()).isEqualTo(7);
        assertThat(r.state()).isEqualTo((int)DeliveryState.FAILED.code());
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.reason()).isEqualTo((int)Reason.CONTENT_REJECTED.code());
        assertThat(r.atMs()).isEqualTo(123);
        assertThat(r.channel()).isEqualTo((int)ChannelType.CHAT.code());
        assertThat(r.position()).isEqualTo(5L << 20 | 1);
        assertThat(buffer.getLong(AT + 16 + 21, ByteOrder.LITTLE_ENDIAN)).as("position at body + 21")
            .isEqualTo(5L << 20 | 1);
    }

    @Test
    void shouldReadNoChannelOrPositionFromAnOlderEnginesReceipt()
    {
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(64);
        final int length = Frames.receipt(frame, AT, 7, DeliveryState.DELIVERED.code(), 1, 0, 55);
        final ReceiptFlyweight r = new ReceiptFlyweight().wrap(frame, AT);
        assertThat(r.frameLength()).isEqualTo(length);
        assertThat(r.bodyLength()).isEqualTo(ReceiptFlyweight.OLDEST_BODY_LENGTH);
        assertThat(r.atMs()).isEqualTo(55);
        assertThat(r.channel()).isZero();
        assertThat(r.position()).isZero();
    }

    @Test
    void shouldRoundTripAnExplainResultWithAFallbackAddress()
    {
        final byte[] address = new byte[256];
        final byte[] phone = "+821012345678".getBytes(StandardCharsets.US_ASCII);
        address[0] = (byte)phone.length;
        System.arraycopy(phone, 0, address, 1, phone.length);
        final int length = ExplainResultFlyweight.frameLength(phone.length);
        final ExplainResultFlyweight w = new ExplainResultFlyweight().wrap(buffer, AT);
        w.header(MessageType.EXPLAIN_RESULT, length, 8);
        w.decision(Decision.DEFER.code()).channel(ChannelType.CHAT.code()).priority(false).reason((short)300)
            .at(1_000L).fallback(ChannelType.SMS.code() | Decision.SEND.code() << 8 | 17 << 16)
            .window(2 | 5 << 8).windowLastMessageMs(999L).address(address);

        final ExplainResultFlyweight r = new ExplainResultFlyweight().wrap(buffer, AT);
        assertThat(r.decision()).isEqualTo((int)Decision.DEFER.code());
        assertThat(r.channel()).isEqualTo((int)ChannelType.CHAT.code());
        assertThat(r.priority()).isFalse();
        assertThat(r.reason()).isEqualTo(300);
        assertThat(r.at()).isEqualTo(1_000L);
        assertThat(r.fallbackChannel()).isEqualTo((int)ChannelType.SMS.code());
        assertThat(r.fallbackDecision()).isEqualTo((int)Decision.SEND.code());
        assertThat(r.fallbackReason()).isEqualTo(17);
        assertThat(r.windowState()).isEqualTo(2);
        assertThat(r.windowTag()).isEqualTo(5);
        assertThat(r.windowLastMessageMs()).isEqualTo(999L);
        assertThat(r.address()).isEqualTo("+821012345678");
        assertThat(r.frameLength()).isEqualTo(16 + 27 + phone.length);
        assertThat(buffer.getByte(AT + 16 + 2)).as("queue at body + 2: 1 bulk").isEqualTo((byte)1);
    }

    @Test
    void shouldReadNoAddressWhenTheFallbackKeepsTheMessagesOwn()
    {
        final ExplainResultFlyweight w = new ExplainResultFlyweight().wrap(buffer, AT);
        w.header(MessageType.EXPLAIN_RESULT, ExplainResultFlyweight.frameLength(0), 8);
        w.address(new byte[256]);
        assertThat(new ExplainResultFlyweight().wrap(buffer, AT).address()).isNull();
    }

    @Test
    void shouldEncodeTheSameBytesThroughFramesAsThroughTheFlyweight()
    {
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(16);
        final int length = Frames.nack(frame, AT, 5, ErrorCode.CREDIT_EXCEEDED, "no credit left: wait for CREDIT");
        final NackFlyweight r = new NackFlyweight().wrap(frame, AT);
        assertThat(length).isEqualTo(NackFlyweight.frameLength("no credit left: wait for CREDIT".length()));
        assertThat(r.frameLength()).isEqualTo(length);
        assertThat(r.type()).isEqualTo(MessageType.NACK);
        assertThat(r.correlationId()).isEqualTo(5);
        assertThat(r.code()).isEqualTo(ErrorCode.CREDIT_EXCEEDED);
        assertThat(r.detail()).isEqualTo("no credit left: wait for CREDIT");
    }
}
