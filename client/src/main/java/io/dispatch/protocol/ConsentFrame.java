package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Layout of a CONSENT body (docs/protocol.md), as received and as journaled:
 * <pre>
 * 0 u8 channel (0 = every channel)   1 u8 kind (0 from clients)   2 u16 set flags   4 u16 clear flags
 * 6 u8 recipient length, recipient   then u8 source length, source (evidence, free text)
 * </pre>
 * Byte 1 is reserved (0) in the protocol; the engine uses it for the address links the targeting thread mirrors
 * from the recipient directory ({@link #LINK}, {@link #UNLINK}), so a client frame with it set is refused.
 */
public final class ConsentFrame
{
    public static final int KIND_OFFSET = 1;
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

    /** @return null when valid, otherwise the problem, naming the field. */
    public static String validate(final ByteBuf b, final int offset, final int length)
    {
        if (length < 8)
        {
            return "CONSENT body shorter than 8 bytes";
        }
        final int channel = b.getUnsignedByte(offset);
        if (channel != 0 && ChannelType.of(channel) == null)
        {
            return "channel " + channel + " (0 = every channel, 1 sms, 2 push, 3 chat)";
        }
        if (b.getUnsignedByte(offset + KIND_OFFSET) != CONSENT)
        {
            return "reserved byte (offset 1) must be 0";
        }
        final int set = b.getUnsignedShortLE(offset + 2);
        final int clear = b.getUnsignedShortLE(offset + 4);
        if ((set & ~ConsentFlags.ALL) != 0 || (clear & ~ConsentFlags.ALL) != 0)
        {
            return "flags: only 1 (ad), 2 (night ad) and 4 (opted out) are defined";
        }
        if ((set & clear) != 0)
        {
            return "flags: the same flag is both set and cleared";
        }
        final int recipientLength = b.getUnsignedByte(offset + RECIPIENT_LENGTH_OFFSET);
        if (recipientLength == 0 || recipientLength > SubmitDescriptor.MAX_RECIPIENT_LENGTH)
        {
            return "recipient (1.." + SubmitDescriptor.MAX_RECIPIENT_LENGTH + " bytes)";
        }
        final int sourceAt = RECIPIENT_LENGTH_OFFSET + 1 + recipientLength;
        if (sourceAt + 1 > length || sourceAt + 1 + b.getUnsignedByte(offset + sourceAt) != length)
        {
            return "CONSENT body length does not match the recipient and source lengths";
        }
        if (!Utf8.isValid(b, offset + RECIPIENT_LENGTH_OFFSET + 1, recipientLength))
        {
            return "recipient: not valid UTF-8";
        }
        if (!Utf8.isValid(b, offset + sourceAt + 1, b.getUnsignedByte(offset + sourceAt)))
        {
            return "source: not valid UTF-8";
        }
        return null;
    }
}
