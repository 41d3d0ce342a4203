package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SUBMIT_BATCH's framing: written through the flyweight (items encoded in place) and walked back by a fresh one at an
 * offset that is not 0; read from bytes put at the literal offsets docs/protocol.md gives; and each broken framing
 * gets the code and detail ingest answered before the flyweight.
 */
class SubmitBatchFlyweightTest
{
    private static final int AT = 24;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer raw = new UnsafeBuffer(new byte[64]);
    private final SubmitBatchFlyweight batch = new SubmitBatchFlyweight();

    @Test
    void shouldWalkBackItemsEncodedInPlace()
    {
        final SubmitBatchFlyweight w = new SubmitBatchFlyweight().wrapForEncode(buffer, AT).count(2);
        final int first = SubmitEncoder.encode(buffer, w.itemBodyAt(), MessageKind.AUTH, ChannelType.SMS, 0, "k1",
            "01011112222", "", "code 123456", Map.of());
        w.itemWritten(first);
        final int second = SubmitEncoder.encode(buffer, w.itemBodyAt(), MessageKind.MARKETING, ChannelType.PUSH, 60,
            "", "token", "promo", "", Map.of("offer", "10%"));
        final int length = w.itemWritten(second).encodedLength();
        assertThat(length).isEqualTo(4 + 2 + first + 2 + second);
        // u16 count, u16 reserved, then per item u16 length and the SUBMIT body
        assertThat(buffer.getShort(AT, LE)).isEqualTo((short)2);
        assertThat(buffer.getShort(AT + 2, LE)).isZero();
        assertThat(buffer.getShort(AT + 4, LE)).isEqualTo((short)first);
        assertThat(buffer.getShort(AT + 6 + first, LE)).isEqualTo((short)second);

        assertThat(batch.wrap(buffer, AT, length).validateHeader()).isNull();
        assertThat(batch.validateItems()).isNull();
        assertThat(batch.count()).isEqualTo(2);
        final SubmitFlyweight submit = new SubmitFlyweight();
        int item = batch.firstItem();
        assertThat(batch.itemLength(item)).isEqualTo(first);
        assertThat(submit.wrap(buffer, batch.itemBody(item), batch.itemLength(item)).validate()).isNull();
        assertThat(submit.kindCode()).isEqualTo(MessageKind.AUTH.code());
        item = batch.nextItem(item);
        assertThat(submit.wrap(buffer, batch.itemBody(item), batch.itemLength(item)).validate()).isNull();
        assertThat(submit.kindCode()).isEqualTo(MessageKind.MARKETING.code());
        assertThat(submit.varCount()).isEqualTo(1);
        assertThat(batch.nextItem(item)).as("the end of the body").isEqualTo(AT + length);
    }

    @Test
    void shouldReadABatchWrittenAtTheDocumentedOffsets()
    {
        raw.putShort(0, (short)2, LE);
        raw.putShort(2, (short)0, LE);
        raw.putShort(4, (short)3, LE);
        raw.putBytes(6, new byte[] {1, 2, 3});
        raw.putShort(9, (short)1, LE);
        raw.putByte(11, (byte)9);
        assertThat(batch.wrap(raw, 0, 12).validateHeader()).isNull();
        assertThat(batch.validateItems()).isNull();
        assertThat(batch.itemBody(batch.firstItem())).isEqualTo(6);
        assertThat(batch.itemLength(batch.firstItem())).isEqualTo(3);
        final int second = batch.nextItem(batch.firstItem());
        assertThat(second).isEqualTo(9);
        assertThat(raw.getByte(batch.itemBody(second))).isEqualTo((byte)9);
    }

    @Test
    void shouldRefuseABrokenHeaderAsBefore()
    {
        assertThat(batch.wrap(raw, 0, 3).validateHeader()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem()).isEqualTo("SUBMIT_BATCH body shorter than 4 bytes");

        raw.putShort(0, (short)0, LE);
        assertThat(batch.wrap(raw, 0, 4).validateHeader()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem()).isEqualTo("SUBMIT_BATCH count 0 outside 1..1024");

        raw.putShort(0, (short)1025, LE);
        assertThat(batch.wrap(raw, 0, 4).validateHeader()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem()).isEqualTo("SUBMIT_BATCH count 1025 outside 1..1024");

        raw.putShort(0, (short)1024, LE);
        assertThat(batch.wrap(raw, 0, 4).validateHeader()).isNull();
    }

    @Test
    void shouldRefuseItemsThatDoNotFillTheBodyExactlyAsBefore()
    {
        raw.putShort(0, (short)2, LE);
        raw.putShort(2, (short)0, LE);
        raw.putShort(4, (short)3, LE);
        raw.putShort(9, (short)5, LE);
        assertThat(batch.wrap(raw, 0, 12).validateHeader()).isNull();
        assertThat(batch.validateItems()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem())
            .isEqualTo("SUBMIT_BATCH item 1 runs past the frame; no item of the batch processed");

        assertThat(batch.wrap(raw, 0, 10).validateItems()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem()).as("not even the second length field fits")
            .isEqualTo("SUBMIT_BATCH item 1 runs past the frame; no item of the batch processed");

        raw.putShort(9, (short)1, LE);
        assertThat(batch.wrap(raw, 0, 13).validateItems()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(batch.problem())
            .isEqualTo("SUBMIT_BATCH has bytes after its last item; no item of the batch processed");
        assertThat(batch.wrap(raw, 0, 12).validateItems()).isNull();
    }

    @Test
    void shouldRefuseToEncodeAnItemLongerThanItsLengthField()
    {
        final SubmitBatchFlyweight w = new SubmitBatchFlyweight().wrapForEncode(buffer, 0).count(1);
        assertThatThrownBy(() -> w.itemWritten(0x1_0000)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("65536");
    }
}
