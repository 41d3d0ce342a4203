package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CAMPAIGN_STATS body: a campaign's counters, by id, or by name when the id is 0 (costs one credit).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Campaign Id (0 = look up by name)             |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |  Name Length  |   Name (UTF-8; empty when the id is given)   ...
 *  +---------------+-----------------------------------------------+
 * </pre>
 */
public final class CampaignStatsFlyweight extends BodyFlyweight
{
    public static final int CAMPAIGN_ID_OFFSET = 0;
    public static final int NAME_OFFSET = 8;
    public static final int MIN_BODY_LENGTH = 9;

    public CampaignStatsFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} with {@link #problem()}. */
    public ErrorCode validate()
    {
        return length >= MIN_BODY_LENGTH ? null :
            fail(ErrorCode.MALFORMED_FRAME, "CAMPAIGN_STATS body shorter than " + MIN_BODY_LENGTH + " bytes");
    }

    public long campaignId()
    {
        return buffer.getLong(offset + CAMPAIGN_ID_OFFSET, LE);
    }

    /** @return whether the name's length byte and the name fill the rest of the body exactly. */
    public boolean hasName()
    {
        return length == NAME_OFFSET + 1 + u8(offset + NAME_OFFSET);
    }

    /** @return the name, after {@link #hasName()} (allocates: not for a hot path). */
    public String name()
    {
        return buffer.getStringWithoutLengthUtf8(offset + NAME_OFFSET + 1, u8(offset + NAME_OFFSET));
    }

    public CampaignStatsFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** @param name looked up when {@code campaignId} is 0; empty otherwise. */
    public CampaignStatsFlyweight campaignIdAndName(final long campaignId, final byte[] name)
    {
        mutableBuffer.putLong(offset + CAMPAIGN_ID_OFFSET, campaignId, LE);
        length = NAME_OFFSET;
        putStr8(name);
        return this;
    }
}
