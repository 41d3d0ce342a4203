package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small fixed frames (OK, CREDIT, RECEIPTS_DROPPED, PING, PONG, GOODBYE): each is written through {@link Frames}
 * (so through its flyweight) at an offset that is not 0 and read back by a fresh flyweight; the bytes are also
 * checked at the literal offsets docs/protocol.md gives, and a frame put together by hand at those offsets reads
 * back, so the wire format is the one engines and clients already speak.
 */
class SmallFrameFlyweightsTest
{
    private static final int AT = 40;
    private static final int BODY = AT + FrameDescriptor.HEADER_LENGTH;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final UnsafeBuffer raw = new UnsafeBuffer(new byte[256]);

    private void assertHeader(final byte type, final int frameLength, final long correlationId)
    {
        assertThat(buffer.getInt(AT, LE)).as("length field: bytes after it").isEqualTo(frameLength - 4);
        assertThat(buffer.getByte(AT + 4)).as("version").isEqualTo(FrameDescriptor.VERSION_1);
        assertThat(buffer.getByte(AT + 5)).as("type").isEqualTo(type);
        assertThat(buffer.getShort(AT + 6, LE)).as("flags").isZero();
        assertThat(buffer.getLong(AT + 8, LE)).as("correlation id").isEqualTo(correlationId);
    }

    /** A frame header put by hand at {@code 0} of {@link #raw}, with {@code bodyLength} body bytes after it. */
    private void rawHeader(final byte type, final int bodyLength, final long correlationId)
    {
        raw.putInt(0, FrameDescriptor.HEADER_LENGTH - 4 + bodyLength, LE);
        raw.putByte(4, FrameDescriptor.VERSION_1);
        raw.putByte(5, type);
        raw.putShort(6, (short)0, LE);
        raw.putLong(8, correlationId, LE);
    }

    @Test
    void shouldWriteAnOkAsTheHeaderAlone()
    {
        assertThat(Frames.ok(buffer, AT, 31)).isEqualTo(OkFlyweight.FRAME_LENGTH).isEqualTo(16);
        assertHeader(MessageType.OK, 16, 31);

        final OkFlyweight r = new OkFlyweight().wrap(buffer, AT);
        assertThat(r.type()).isEqualTo(MessageType.OK);
        assertThat(r.correlationId()).isEqualTo(31);
        assertThat(r.bodyLength()).isZero();
    }

    @Test
    void shouldRoundTripACreditGrantAsAnUnsignedInteger()
    {
        assertThat(Frames.credit(buffer, AT, 0xFFFF_FFF0)).isEqualTo(CreditFlyweight.FRAME_LENGTH).isEqualTo(20);
        assertHeader(MessageType.CREDIT, 20, 0);
        assertThat(buffer.getInt(BODY, LE)).as("u32 grant at body + 0").isEqualTo(0xFFFF_FFF0);

        final CreditFlyweight r = new CreditFlyweight().wrap(buffer, AT);
        assertThat(r.grant()).isEqualTo(0xFFFF_FFF0L);

        rawHeader(MessageType.CREDIT, 4, 0);
        raw.putInt(16, 8192, LE);
        assertThat(new CreditFlyweight().wrap(raw, 0).grant()).isEqualTo(8192);
    }

    @Test
    void shouldRoundTripAReceiptsDroppedCount()
    {
        assertThat(Frames.receiptsDropped(buffer, AT, 12_345)).isEqualTo(ReceiptsDroppedFlyweight.FRAME_LENGTH)
            .isEqualTo(20);
        assertHeader(MessageType.RECEIPTS_DROPPED, 20, 0);
        assertThat(buffer.getInt(BODY, LE)).as("u32 count at body + 0").isEqualTo(12_345);

        assertThat(new ReceiptsDroppedFlyweight().wrap(buffer, AT).count()).isEqualTo(12_345);
        buffer.putInt(BODY, -1, LE);
        assertThat(new ReceiptsDroppedFlyweight().wrap(buffer, AT).count()).as("unsigned").isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void shouldRoundTripAPingAndItsPongWithOneLayout()
    {
        final long payload = 0x0123_4567_89AB_CDEFL;
        assertThat(Frames.ping(buffer, AT, 7, payload)).isEqualTo(PingFlyweight.FRAME_LENGTH).isEqualTo(24);
        assertHeader(MessageType.PING, 24, 7);
        assertThat(buffer.getLong(BODY, LE)).as("u64 payload at body + 0").isEqualTo(payload);
        final PingFlyweight r = new PingFlyweight().wrap(buffer, BODY, PingFlyweight.BODY_LENGTH);
        assertThat(r.validate()).isNull();
        assertThat(r.payload()).isEqualTo(payload);

        assertThat(Frames.pong(buffer, AT, 7, payload)).isEqualTo(24);
        assertHeader(MessageType.PONG, 24, 7);
        assertThat(new PingFlyweight().wrap(buffer, BODY, PingFlyweight.BODY_LENGTH).payload()).isEqualTo(payload);
    }

    @Test
    void shouldRefuseAPingBodyThatIsNot8BytesAsBefore()
    {
        final PingFlyweight r = new PingFlyweight();
        assertThat(r.wrap(raw, 0, 7).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("PING body must be 8 bytes (u64 payload), got 7");
        assertThat(r.wrap(raw, 0, 9).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("PING body must be 8 bytes (u64 payload), got 9");
        assertThat(r.wrap(raw, 0, 8).validate()).isNull();
    }

    @Test
    void shouldWriteAClientGoodbyeWithTheReasonOnly()
    {
        assertThat(Frames.goodbye(buffer, AT, 3, 0)).isEqualTo(GoodbyeFlyweight.REASON_FRAME_LENGTH).isEqualTo(18);
        assertHeader(MessageType.GOODBYE, 18, 3);

        final GoodbyeFlyweight r = new GoodbyeFlyweight().wrap(buffer, AT);
        assertThat(r.reason()).isEqualTo(GoodbyeFlyweight.NORMAL);
        assertThat(r.retryAfterMs()).as("a client's GOODBYE has no wait").isZero();
    }

    @Test
    void shouldRoundTripTheEnginesGoodbyeWithItsWait()
    {
        assertThat(Frames.goodbye(buffer, AT, 0, ErrorCode.SHUTTING_DOWN.code(), 2_500))
            .isEqualTo(GoodbyeFlyweight.FRAME_LENGTH).isEqualTo(22);
        assertHeader(MessageType.GOODBYE, 22, 0);
        assertThat(buffer.getShort(BODY, LE)).as("u16 reason at body + 0").isEqualTo((short)22);
        assertThat(buffer.getInt(BODY + 2, LE)).as("u32 retryAfterMs at body + 2").isEqualTo(2_500);

        final GoodbyeFlyweight r = new GoodbyeFlyweight().wrap(buffer, AT);
        assertThat(r.reason()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
        assertThat(r.retryAfterMs()).isEqualTo(2_500);

        Frames.goodbye(buffer, AT, 0, 22, 1L << 40);
        assertThat(r.retryAfterMs()).as("capped at the u32 maximum").isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void shouldReadAGoodbyeWithoutABodyAsNormal()
    {
        rawHeader(MessageType.GOODBYE, 0, 0);
        raw.putShort(16, (short)22, LE); // past the frame: must not be read
        final GoodbyeFlyweight r = new GoodbyeFlyweight().wrap(raw, 0);
        assertThat(r.reason()).isEqualTo(GoodbyeFlyweight.NORMAL);
        assertThat(r.retryAfterMs()).isZero();

        rawHeader(MessageType.GOODBYE, 2, 0);
        raw.putInt(18, 9_999, LE); // past the frame: must not be read
        assertThat(r.reason()).isEqualTo(22);
        assertThat(r.retryAfterMs()).isZero();
    }
}
