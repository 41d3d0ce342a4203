package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SUBMIT_BATCH body: a count, then that many SUBMIT bodies ({@link SubmitFlyweight}), each after its u16 length.
 * Item {@code i} is answered with the frame's correlation id + {@code i}. The items are found by walking the length
 * prefixes: an item is named by the index of its length field ({@link #firstItem()}, {@link #nextItem(int)}).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Count (u16)          |        Reserved (u16)         |
 *  +-------------------------------+-------------------------------+
 *  |      Item Length (u16)        |      SUBMIT body ...         ...
 *  +-------------------------------+-------------------------------+
 *  |      Item Length (u16)        |      SUBMIT body ...         ...   (count items, nothing after the last)
 *  +-------------------------------+-------------------------------+
 * </pre>
 * To read: {@link #wrap}, {@link #validateHeader()}, then {@link #validateItems()} (the framing is checked whole
 * before any item is taken), then walk the items. To write: {@link #wrapForEncode}, {@link #count(int)}, then per
 * item write its SUBMIT body at {@link #itemBodyAt()} and commit it with {@link #itemWritten(int)}.
 */
public final class SubmitBatchFlyweight extends BodyFlyweight
{
    public static final int COUNT_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int HEADER_LENGTH = 4;
    /** Bytes before each item's SUBMIT body: its u16 length. */
    public static final int ITEM_LENGTH_FIELD_LENGTH = 2;
    public static final int MAX_COUNT = 1024;

    public SubmitBatchFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /**
     * @return null when the header is valid (the count may be read), else {@link ErrorCode#MALFORMED_FRAME} with
     * {@link #problem()}: nothing of the batch can be answered per item.
     */
    public ErrorCode validateHeader()
    {
        if (length < HEADER_LENGTH)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "SUBMIT_BATCH body shorter than " + HEADER_LENGTH + " bytes");
        }
        final int count = count();
        return count == 0 || count > MAX_COUNT
            ? fail(ErrorCode.MALFORMED_FRAME, "SUBMIT_BATCH count " + count + " outside 1.." + MAX_COUNT) : null;
    }

    /**
     * After {@link #validateHeader()}.
     *
     * @return null when the {@link #count()} items fill the body exactly, else {@link ErrorCode#MALFORMED_FRAME} with
     * {@link #problem()}: no item of the batch is processed.
     */
    public ErrorCode validateItems()
    {
        final int end = offset + length;
        final int count = count();
        int p = firstItem();
        int framed = 0;
        while (framed < count && p + ITEM_LENGTH_FIELD_LENGTH <= end && nextItem(p) <= end)
        {
            p = nextItem(p);
            framed++;
        }
        if (framed < count)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "SUBMIT_BATCH item " + framed +
                " runs past the frame; no item of the batch processed");
        }
        return p != end ? fail(ErrorCode.MALFORMED_FRAME,
            "SUBMIT_BATCH has bytes after its last item; no item of the batch processed") : null;
    }

    public int count()
    {
        return u16(offset + COUNT_OFFSET);
    }

    /** @return the index of the first item's length field. */
    public int firstItem()
    {
        return offset + HEADER_LENGTH;
    }

    /** @return the length of the SUBMIT body of the item whose length field is at {@code item}. */
    public int itemLength(final int item)
    {
        return u16(item);
    }

    /** @return the index of the SUBMIT body of the item whose length field is at {@code item}. */
    public int itemBody(final int item)
    {
        return item + ITEM_LENGTH_FIELD_LENGTH;
    }

    /** @return the index of the next item's length field (the end of the body after the last one). */
    public int nextItem(final int item)
    {
        return item + ITEM_LENGTH_FIELD_LENGTH + u16(item);
    }

    public SubmitBatchFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** Writes the header: the item count (1..{@link #MAX_COUNT}) and the reserved field (0). */
    public SubmitBatchFlyweight count(final int count)
    {
        mutableBuffer.putShort(offset + COUNT_OFFSET, (short)count, LE);
        mutableBuffer.putShort(offset + RESERVED_OFFSET, (short)0, LE);
        length = HEADER_LENGTH;
        return this;
    }

    /** @return where the next item's SUBMIT body goes, after its length field. */
    public int itemBodyAt()
    {
        return offset + length + ITEM_LENGTH_FIELD_LENGTH;
    }

    /** Commits an item whose SUBMIT body of {@code bodyLength} bytes was written at {@link #itemBodyAt()}. */
    public SubmitBatchFlyweight itemWritten(final int bodyLength)
    {
        if (bodyLength > 0xFFFF)
        {
            throw new IllegalArgumentException("SUBMIT_BATCH item of " + bodyLength + " bytes (at most 65535)");
        }
        mutableBuffer.putShort(offset + length, (short)bodyLength, LE);
        length += ITEM_LENGTH_FIELD_LENGTH + bodyLength;
        return this;
    }
}
