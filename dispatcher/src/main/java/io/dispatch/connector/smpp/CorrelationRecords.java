package io.dispatch.connector.smpp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of the receipt correlation log's records, the same in the hand-off ring and in the Chronicle queue
 * (where a type byte comes first). Little-endian; provider ids are ASCII, at most 255 octets (SMPP allows 65).
 * <pre>
 *  ACCEPTED  0        8        16     17
 *            +--------+--------+------+-----+--------------+-----+---
 *            |msgId   |atMs    |parts |len 0| id 0 (ASCII) |len 1| id 1 …
 *            +--------+--------+------+-----+--------------+-----+---
 *  PART      0     1
 *            +-----+-------------+
 *            |len  | id (ASCII)  |    a delivered part of a multipart message
 *            +-----+-------------+
 *  ENDED     0        8
 *            +--------+
 *            |msgId   |               the message's receipt went to the runtime
 *            +--------+
 * </pre>
 * Stateless.
 */
final class CorrelationRecords
{
    static final int ACCEPTED = 1;
    static final int PART = 2;
    static final int ENDED = 3;

    static final int MESSAGE_ID_OFFSET = 0;
    static final int AT_MS_OFFSET = 8;
    static final int PARTS_OFFSET = 16;
    static final int IDS_OFFSET = 17;
    static final int ENDED_LENGTH = 8;
    static final int MAX_ID_LENGTH = 255;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private CorrelationRecords()
    {
    }

    static int acceptedLength(final String[] providerIds)
    {
        int length = IDS_OFFSET;
        for (final String id : providerIds)
        {
            length += 1 + idLength(id);
        }
        return length;
    }

    static void encodeAccepted(
        final MutableDirectBuffer b, final int offset, final long messageId, final long atMs, final String[] providerIds)
    {
        b.putLong(offset + MESSAGE_ID_OFFSET, messageId, ORDER);
        b.putLong(offset + AT_MS_OFFSET, atMs, ORDER);
        b.putByte(offset + PARTS_OFFSET, (byte)providerIds.length);
        int at = offset + IDS_OFFSET;
        for (final String id : providerIds)
        {
            at += putId(b, at, id);
        }
    }

    static int partLength(final String providerId)
    {
        return 1 + idLength(providerId);
    }

    /** @return the octets written: a length octet and the id. */
    static int putId(final MutableDirectBuffer b, final int offset, final String id)
    {
        final int length = idLength(id);
        b.putByte(offset, (byte)length);
        for (int i = 0; i < length; i++)
        {
            final char c = id.charAt(i);
            b.putByte(offset + 1 + i, (byte)(c < 128 ? c : '?'));
        }
        return 1 + length;
    }

    static String getId(final DirectBuffer b, final int offset)
    {
        return b.getStringWithoutLengthAscii(offset + 1, b.getByte(offset) & 0xFF);
    }

    private static int idLength(final String id)
    {
        return Math.min(MAX_ID_LENGTH, id.length());
    }
}
