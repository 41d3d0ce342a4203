package io.dispatch.policy;

import io.dispatch.protocol.SubmitDescriptor;

/**
 * The 64-bit keys the policies use, computed from a SUBMIT body in place: the recipient key (directory and
 * frequency caps) and the content key (content dedup). Shared by the ring stages and recovery so both compute
 * exactly the same values.
 */
public final class RecipientKeys
{
    private RecipientKeys()
    {
    }

    /** @return offset of the recipient's length byte in a SUBMIT body. */
    public static int recipientAt(final byte[] submitBody)
    {
        return SubmitDescriptor.FIXED_LENGTH + 1 + (submitBody[SubmitDescriptor.FIXED_LENGTH] & 0xFF);
    }

    /** @param lengthAt offset of a u8 length followed by the recipient bytes. */
    public static long recipientKey(final int tenantId, final byte[] b, final int lengthAt)
    {
        return DedupIndex.hash(tenantId, b, lengthAt + 1, b[lengthAt] & 0xFF);
    }

    /** Recipient, template, text and variables (everything after the idempotency key) plus the channel. */
    public static long contentKey(final int tenantId, final int channel, final byte[] body, final int recipientAt,
        final int bodyLength)
    {
        return DedupIndex.hash(tenantId * 31 + channel, body, recipientAt, bodyLength - recipientAt);
    }
}
