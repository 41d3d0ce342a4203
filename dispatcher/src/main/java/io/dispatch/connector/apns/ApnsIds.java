package io.dispatch.connector.apns;

import java.util.UUID;

/**
 * Maps a message id to the {@code apns-id} header and back. APNs echoes the apns-id in its answer and
 * its feedback tools, so carrying our id in it lets an operator find a notification from either side.
 * <p>
 * Layout (a version-4, RFC 4122 variant UUID, so any UUID parser accepts it):
 * <pre>
 *  most significant 64 bits:  "dispatch" tag (48 bits) | version 4 (4 bits) | 10 zero bits | id bits 63..62
 *  least significant 64 bits: variant 0b10 (2 bits) | id bits 61..0
 * </pre>
 */
public final class ApnsIds
{
    private static final long TAG = 0x6469_7370_6174L; // "dispat" in ASCII
    private static final long VERSION_4 = 0x4000L;
    private static final long VARIANT = 0x8000_0000_0000_0000L;
    private static final long LOW_62 = (1L << 62) - 1;

    private ApnsIds()
    {
    }

    public static UUID toApnsId(final long messageId)
    {
        final long msb = (TAG << 16) | VERSION_4 | (messageId >>> 62);
        final long lsb = VARIANT | (messageId & LOW_62);
        return new UUID(msb, lsb);
    }

    /** @return the message id carried by an apns-id made by {@link #toApnsId}, or -1 for any other UUID. */
    public static long toMessageId(final UUID apnsId)
    {
        final long msb = apnsId.getMostSignificantBits();
        if ((msb >>> 16) != TAG || (msb & 0xFFFCL) != VERSION_4 || (apnsId.getLeastSignificantBits() >>> 62) != 2)
        {
            return -1;
        }
        return ((msb & 0x3L) << 62) | (apnsId.getLeastSignificantBits() & LOW_62);
    }
}
