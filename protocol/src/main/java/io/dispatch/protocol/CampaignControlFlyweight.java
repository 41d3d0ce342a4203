package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CAMPAIGN_CONTROL body: pause, resume or cancel a campaign of the tenant; exactly 9 bytes (costs one credit).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Campaign Id                          |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |    Action     |
 *  +---------------+
 * </pre>
 * Actions: {@link CampaignDescriptor#ACTION_PAUSE}, {@link CampaignDescriptor#ACTION_RESUME},
 * {@link CampaignDescriptor#ACTION_CANCEL}; which applies depends on the campaign's state, the engine's to check.
 */
public final class CampaignControlFlyweight extends BodyFlyweight
{
    public static final int CAMPAIGN_ID_OFFSET = 0;
    public static final int ACTION_OFFSET = 8;
    public static final int BODY_LENGTH = 9;

    public CampaignControlFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /** @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} with {@link #problem()}. */
    public ErrorCode validate()
    {
        return length == BODY_LENGTH ? null :
            fail(ErrorCode.MALFORMED_FRAME, "CAMPAIGN_CONTROL body must be " + BODY_LENGTH + " bytes");
    }

    public long campaignId()
    {
        return buffer.getLong(offset + CAMPAIGN_ID_OFFSET, LE);
    }

    /** @return the action as sent (signed, as the engine names it in a refusal). */
    public byte action()
    {
        return buffer.getByte(offset + ACTION_OFFSET);
    }

    public CampaignControlFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    public CampaignControlFlyweight campaignIdAndAction(final long campaignId, final byte action)
    {
        mutableBuffer.putLong(offset + CAMPAIGN_ID_OFFSET, campaignId, LE);
        mutableBuffer.putByte(offset + ACTION_OFFSET, action);
        length = BODY_LENGTH;
        return this;
    }
}
