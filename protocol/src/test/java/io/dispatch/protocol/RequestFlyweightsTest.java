package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request layouts (HELLO, CANCEL, STATUS, SUBSCRIBE, SUBSCRIBE_INBOUND), HELLO_OK and INBOUND: each is written
 * through {@link Frames} (so through its flyweight) and read back by a fresh flyweight at an offset that is not 0;
 * each is also read from bytes put at the literal offsets docs/protocol.md gives, so the wire format is the one
 * engines and clients already speak; and each malformed body gets the error code the engine answered it with
 * before the flyweights.
 */
class RequestFlyweightsTest
{
    private static final int AT = 40;
    private static final int BODY = AT + FrameDescriptor.HEADER_LENGTH;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final UnsafeBuffer raw = new UnsafeBuffer(new byte[512]);

    private int bodyLength(final int frameLength)
    {
        assertThat(buffer.getInt(AT, LE)).as("length field").isEqualTo(frameLength - 4);
        return frameLength - FrameDescriptor.HEADER_LENGTH;
    }

    @Test
    void shouldRoundTripAHello()
    {
        final int length = bodyLength(Frames.hello(buffer, AT, 5, "acme", "k-ü", "svc"));
        assertThat(buffer.getByte(AT + FrameDescriptor.TYPE_OFFSET)).isEqualTo(MessageType.HELLO);

        final HelloFlyweight r = new HelloFlyweight().wrap(buffer, BODY, length);
        assertThat(r.validate()).isNull();
        assertThat(r.minVersion()).isEqualTo(1);
        assertThat(r.maxVersion()).isEqualTo(FrameDescriptor.CURRENT_VERSION);
        assertThat(r.tenant()).isEqualTo("acme");
        assertThat(r.apiKey()).isEqualTo("k-ü");
        assertThat(r.clientName()).isEqualTo("svc");
        // u8 min, u8 max, u16 reserved, str8 tenant, str8 apiKey, str8 clientName
        assertThat(buffer.getByte(BODY + 4)).isEqualTo((byte)4);
        assertThat(buffer.getStringWithoutLengthAscii(BODY + 5, 4)).isEqualTo("acme");
        assertThat(buffer.getByte(BODY + 9)).isEqualTo((byte)"k-ü".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void shouldReadAHelloWrittenAtTheDocumentedOffsets()
    {
        raw.putByte(0, (byte)1);
        raw.putByte(1, (byte)3);
        raw.putShort(2, (short)0, LE);
        int p = 4;
        for (final String s : new String[] {"t", "key", ""})
        {
            raw.putByte(p, (byte)s.length());
            p += 1 + raw.putStringWithoutLengthAscii(p + 1, s);
        }
        final HelloFlyweight r = new HelloFlyweight().wrap(raw, 0, p);
        assertThat(r.validate()).isNull();
        assertThat(r.tenant()).isEqualTo("t");
        assertThat(r.apiKey()).isEqualTo("key");
        assertThat(r.clientName()).isEmpty();
    }

    @Test
    void shouldRefuseABrokenHelloAsBefore()
    {
        final HelloFlyweight r = new HelloFlyweight();
        assertThat(r.wrap(raw, 0, 3).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("HELLO body shorter than 4 bytes");

        raw.putByte(0, (byte)1);
        raw.putByte(1, (byte)1);
        raw.putByte(4, (byte)10); // a tenant of 10 bytes in a 9-byte body
        assertThat(r.wrap(raw, 0, 9).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("HELLO truncated");

        raw.putByte(4, (byte)0);
        raw.putByte(5, (byte)0);
        raw.putByte(6, (byte)0);
        assertThat(r.wrap(raw, 0, 7).validate()).as("three empty strings").isNull();
        assertThat(r.wrap(raw, 0, 6).validate()).as("the client name's length missing")
            .isEqualTo(ErrorCode.MALFORMED_FRAME);

        raw.putByte(0, (byte)2);
        raw.putByte(1, (byte)3);
        assertThat(r.wrap(raw, 0, 7).validate()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(r.problem()).isEqualTo("client speaks 2..3; this server speaks 1..1");
    }

    @Test
    void shouldRoundTripAHelloOk()
    {
        assertThat(Frames.helloOk(buffer, AT, 6, 1, 4096, 1 << 20, 77)).isEqualTo(HelloOkFlyweight.FRAME_LENGTH);
        final HelloOkFlyweight r = new HelloOkFlyweight().wrap(buffer, AT);
        assertThat(r.type()).isEqualTo(MessageType.HELLO_OK);
        assertThat(r.correlationId()).isEqualTo(6);
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.initialCredit()).isEqualTo(4096);
        assertThat(r.maxFrameLength()).isEqualTo(1 << 20);
        assertThat(r.sessionId()).isEqualTo(77);
        // u8 version, u8 reserved, u16 reserved, u32 initialCredit, u32 maxFrameLength, u32 sessionId
        assertThat(r.bodyLength()).isEqualTo(16);
        assertThat(buffer.getInt(BODY + 4, LE)).isEqualTo(4096);
        assertThat(buffer.getInt(BODY + 8, LE)).isEqualTo(1 << 20);
        assertThat(buffer.getInt(BODY + 12, LE)).isEqualTo(77);
    }

    @Test
    void shouldRoundTripACancelByIdAndByKey()
    {
        final CancelFlyweight r = new CancelFlyweight();
        int length = bodyLength(Frames.cancel(buffer, AT, 1, 1L << 33 | 9));
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(r.isByKey()).isFalse();
        assertThat(r.messageId()).isEqualTo(1L << 33 | 9);
        assertThat(length).isEqualTo(9);
        assertThat(buffer.getByte(BODY)).isEqualTo((byte)0);
        assertThat(buffer.getLong(BODY + 1, LE)).isEqualTo(1L << 33 | 9);

        length = bodyLength(Frames.cancelByKey(buffer, AT, 2, "order-17"));
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(r.isByKey()).isTrue();
        assertThat(buffer.getStringWithoutLengthAscii(r.keyOffset(), r.keyLength())).isEqualTo("order-17");
        assertThat(buffer.getByte(BODY)).isEqualTo((byte)1);
        assertThat(buffer.getByte(BODY + 1)).isEqualTo((byte)8);
        assertThat(buffer.getStringWithoutLengthAscii(BODY + 2, 8)).isEqualTo("order-17");

        assertThatThrownBy(() -> Frames.cancelByKey(buffer, AT, 3, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseABrokenCancelAsBefore()
    {
        final CancelFlyweight r = new CancelFlyweight();
        assertThat(r.wrap(raw, 0, 0).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        raw.putByte(0, (byte)0);
        assertThat(r.wrap(raw, 0, 8).validate()).as("by id, 7 id bytes").isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.wrap(raw, 0, 9).validate()).isNull();
        raw.putByte(0, (byte)1);
        raw.putByte(1, (byte)0);
        assertThat(r.wrap(raw, 0, 2).validate()).as("an empty key").isEqualTo(ErrorCode.MALFORMED_FRAME);
        raw.putByte(1, (byte)3);
        assertThat(r.wrap(raw, 0, 4).validate()).as("a key shorter than its length")
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.wrap(raw, 0, 5).validate()).isNull();
        raw.putByte(0, (byte)2);
        assertThat(r.wrap(raw, 0, 9).validate()).as("an unknown selector").isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("CANCEL body: u8 0 + u64 messageId, or u8 1 + u8 key length + key");
    }

    @Test
    void shouldRoundTripAStatus()
    {
        final int length = bodyLength(Frames.status(buffer, AT, 4, 123_456_789L));
        final StatusFlyweight r = new StatusFlyweight().wrap(buffer, BODY, length);
        assertThat(r.validate()).isNull();
        assertThat(r.messageId()).isEqualTo(123_456_789L);
        assertThat(buffer.getLong(BODY, LE)).isEqualTo(123_456_789L);

        assertThat(r.wrap(buffer, BODY, 7).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.wrap(buffer, BODY, 9).validate()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.problem()).isEqualTo("STATUS body must be 8 bytes");
    }

    @Test
    void shouldRoundTripASubscribeWithAndWithoutAResume()
    {
        final SubscribeFlyweight r = new SubscribeFlyweight();
        int length = bodyLength(Frames.subscribe(buffer, AT, 5, Frames.SCOPE_CONNECTION, 0b1010));
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(length).isEqualTo(4);
        assertThat(r.scope()).isEqualTo(Frames.SCOPE_CONNECTION);
        assertThat(r.stateMask()).isEqualTo(0b1010);
        assertThat(r.isResume()).isFalse();
        assertThat(buffer.getShort(BODY + 2, LE)).isEqualTo((short)0b1010);

        length = bodyLength(Frames.subscribe(buffer, AT, 6, Frames.SCOPE_TENANT, Frames.ALL_STATES, 4711));
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(length).isEqualTo(12);
        assertThat(r.scope()).isEqualTo(Frames.SCOPE_TENANT);
        assertThat(r.stateMask()).isEqualTo(0xFFFF);
        assertThat(r.isResume()).isTrue();
        assertThat(r.resumeAfter()).isEqualTo(4711);
        assertThat(buffer.getLong(BODY + 4, LE)).isEqualTo(4711);
    }

    @Test
    void shouldReadAOneByteSubscribeAsEveryStateAndRefuseBadOnesAsBefore()
    {
        final SubscribeFlyweight r = new SubscribeFlyweight();
        raw.putByte(0, (byte)1);
        assertThat(r.wrap(raw, 0, 1).validate()).isNull();
        assertThat(r.stateMask()).as("absent: every state").isZero();

        assertThat(r.wrap(raw, 0, 0).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        raw.putByte(0, (byte)2);
        assertThat(r.wrap(raw, 0, 4).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.problem()).isEqualTo("scope must be 0 (connection) or 1 (tenant)");

        raw.putByte(0, (byte)0);
        assertThat(r.wrap(raw, 0, 12).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.problem()).isEqualTo("resumeAfter: only a scope 1 (tenant) subscription resumes");

        raw.putByte(0, (byte)1);
        raw.putLong(4, -2, LE);
        assertThat(r.wrap(raw, 0, 12).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.problem()).isEqualTo("resumeAfter: a RECEIPT's position, or 0 for the start");
    }

    @Test
    void shouldRoundTripASubscribeInbound()
    {
        final SubscribeInboundFlyweight r = new SubscribeInboundFlyweight();
        int length = bodyLength(Frames.subscribeInbound(buffer, AT, 7, -1));
        assertThat(length).as("from now: empty").isZero();
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(r.resumeAfter()).isEqualTo(SubscribeInboundFlyweight.FROM_NOW);

        length = bodyLength(Frames.subscribeInbound(buffer, AT, 7, 0));
        assertThat(r.wrap(buffer, BODY, length).validate()).isNull();
        assertThat(r.resumeAfter()).as("0: from the start").isZero();
        assertThat(length).isEqualTo(8);

        assertThat(r.wrap(buffer, BODY, 4).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.problem()).isEqualTo("SUBSCRIBE_INBOUND body: empty (from now) or u64 resumeAfter");
        raw.putLong(0, -5, LE);
        assertThat(r.wrap(raw, 0, 8).validate()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.problem()).isEqualTo("resumeAfter: an INBOUND position, or 0 for the start");
    }

    @Test
    void shouldRoundTripAnInboundWrittenAtTheDocumentedOffsets()
    {
        // u64 position, u8 kind, u8 channel, u64 inReplyTo, u64 receivedAt, str8 from, str8 to, str8 eventId,
        // str16 text, u32 payloadLength, payload: as the engine journals the event
        final UnsafeBuffer event = new UnsafeBuffer(new byte[256]);
        event.putByte(0, (byte)2);
        event.putByte(1, (byte)4);
        event.putLong(2, 99, LE);
        event.putLong(10, 1_700_000_000_000L, LE);
        int p = 18;
        for (final String s : new String[] {"+8210", "biz", "ev-1"})
        {
            event.putByte(p, (byte)s.length());
            p += 1 + event.putStringWithoutLengthAscii(p + 1, s);
        }
        event.putShort(p, (short)2, LE);
        p += 2 + event.putStringWithoutLengthAscii(p + 2, "hi");
        event.putInt(p, 2, LE);
        p += 4 + event.putStringWithoutLengthAscii(p + 4, "{}");
        final byte[] bytes = new byte[p];
        event.getBytes(0, bytes);

        final InboundFlyweight w = new InboundFlyweight().wrapForEncode(buffer, BODY).position(31).event(bytes, p);
        assertThat(w.encodedLength()).isEqualTo(8 + p);
        assertThat(buffer.getLong(BODY, LE)).isEqualTo(31);

        final InboundFlyweight r = new InboundFlyweight().wrap(buffer, BODY, 8 + p);
        assertThat(r.validate()).isNull();
        assertThat(r.position()).isEqualTo(31);
        assertThat(r.kind()).isEqualTo(2);
        assertThat(r.channel()).isEqualTo(4);
        assertThat(r.inReplyTo()).isEqualTo(99);
        assertThat(r.receivedAtMs()).isEqualTo(1_700_000_000_000L);
        assertThat(r.from()).isEqualTo("+8210");
        assertThat(r.to()).isEqualTo("biz");
        assertThat(r.providerEventId()).isEqualTo("ev-1");
        assertThat(r.text()).isEqualTo("hi");
        assertThat(r.payload()).isEqualTo("{}");

        assertThat(r.wrap(buffer, BODY, 8 + p - 1).validate()).as("payload cut").isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.wrap(buffer, BODY, 8 + p + 1).validate()).as("a trailing byte")
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(r.wrap(buffer, BODY, InboundFlyweight.MIN_BODY_LENGTH - 1).validate())
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }
}
