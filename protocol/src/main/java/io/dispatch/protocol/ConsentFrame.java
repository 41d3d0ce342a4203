package io.dispatch.protocol;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of a CONSENT body (docs/protocol.md), as received and as journaled, little-endian; the offsets below are
 * what the ingest check here and the policy stage's apply ({@code PolicyHandler.applyConsent}) both read:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Channel    |     Kind      |           Set flags           |
 *  +---------------+---------------+-------------------------------+
 *  |          Clear flags          | Recipient len |  Recipient   ...
 *  +-------------------------------+---------------+---------------+
 *  | Source len    |  Source (evidence, free text)                ...
 *  +---------------+-----------------------------------------------+
 * </pre>
 * Channel 0 is every channel; kind is 0 from clients.
 * Byte 1 is reserved (0) in the protocol; the engine uses it for the address links the targeting thread mirrors
 * from the recipient directory ({@link #LINK}, {@link #UNLINK}), so a client frame with it set is refused.
 */
public final class ConsentFrame
{
    public static final int CHANNEL_OFFSET = 0;
    public static final int KIND_OFFSET = 1;
    public static final int SET_OFFSET = 2;
    public static final int CLEAR_OFFSET = 4;
    public static final int RECIPIENT_LENGTH_OFFSET = 6;
    /** A consent update: set and clear flags. */
    public static final byte CONSENT = 0;
    /**
     * The address belongs to the directory recipient named by the source ("directory:&lt;id&gt;"); no flags, and the
     * channel byte says what it is to them: 1 the phone, 2 a push token, 3 the chat key.
     */
    public static final byte LINK = 1;
    /** The address no longer belongs to that recipient; no flags. */
    public static final byte UNLINK = 2;

    private ConsentFrame()
    {
    }

    /** Writes the fixed part of a body into a journaled body array; the recipient and source follow. */
    public static void putHeader(final byte[] into, final int channel, final byte kind, final int set, final int clear)
    {
        into[CHANNEL_OFFSET] = (byte)channel;
        into[KIND_OFFSET] = kind;
        into[SET_OFFSET] = (byte)set;
        into[SET_OFFSET + 1] = (byte)(set >>> 8);
        into[CLEAR_OFFSET] = (byte)clear;
        into[CLEAR_OFFSET + 1] = (byte)(clear >>> 8);
    }

    /** @return the channel code of a journaled body (0 = every channel). */
    public static int channel(final byte[] b)
    {
        return b[CHANNEL_OFFSET] & 0xFF;
    }

    public static int setFlags(final byte[] b)
    {
        return (b[SET_OFFSET] & 0xFF) | (b[SET_OFFSET + 1] & 0xFF) << 8;
    }

    public static int clearFlags(final byte[] b)
    {
        return (b[CLEAR_OFFSET] & 0xFF) | (b[CLEAR_OFFSET + 1] & 0xFF) << 8;
    }

    /** @return the offset of the source length byte, after the recipient. */
    public static int sourceLengthOffset(final byte[] b)
    {
        return RECIPIENT_LENGTH_OFFSET + 1 + (b[RECIPIENT_LENGTH_OFFSET] & 0xFF);
    }

    /** @return null when valid, otherwise the problem, naming the field. */
    public static String validate(final DirectBuffer b, final int offset, final int length)
    {
        if (length < 8)
        {
            return "CONSENT body shorter than 8 bytes";
        }
        final int channel = b.getByte(offset + CHANNEL_OFFSET) & 0xFF;
        if (channel != 0 && ChannelType.of(channel) == null)
        {
            return "channel " + channel + " (0 = every channel, 1 sms, 2 push, 3 chat)";
        }
        if ((b.getByte(offset + KIND_OFFSET) & 0xFF) != CONSENT)
        {
            return "reserved byte (offset 1) must be 0";
        }
        final int set = b.getShort(offset + SET_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int clear = b.getShort(offset + CLEAR_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if ((set & ~ConsentFlags.ALL) != 0 || (clear & ~ConsentFlags.ALL) != 0)
        {
            return "flags: only 1 (ad), 2 (night ad) and 4 (opted out) are defined";
        }
        if ((set & clear) != 0)
        {
            return "flags: the same flag is both set and cleared";
        }
        final int recipientLength = b.getByte(offset + RECIPIENT_LENGTH_OFFSET) & 0xFF;
        if (recipientLength == 0 || recipientLength > SubmitDescriptor.MAX_RECIPIENT_LENGTH)
        {
            return "recipient (1.." + SubmitDescriptor.MAX_RECIPIENT_LENGTH + " bytes)";
        }
        final int sourceAt = RECIPIENT_LENGTH_OFFSET + 1 + recipientLength;
        if (sourceAt + 1 > length || sourceAt + 1 + (b.getByte(offset + sourceAt) & 0xFF) != length)
        {
            return "CONSENT body length does not match the recipient and source lengths";
        }
        if (!Utf8.isValid(b, offset + RECIPIENT_LENGTH_OFFSET + 1, recipientLength))
        {
            return "recipient: not valid UTF-8";
        }
        if (!Utf8.isValid(b, offset + sourceAt + 1, b.getByte(offset + sourceAt) & 0xFF))
        {
            return "source: not valid UTF-8";
        }
        return null;
    }
}
