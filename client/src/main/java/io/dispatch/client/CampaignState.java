package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;

/** A campaign's state in CAMPAIGN_RESULT; wire values from {@link CampaignDescriptor}. */
public enum CampaignState
{
    SCHEDULED(CampaignDescriptor.STATE_SCHEDULED),
    RUNNING(CampaignDescriptor.STATE_RUNNING),
    PAUSED(CampaignDescriptor.STATE_PAUSED),
    CANCELLED(CampaignDescriptor.STATE_CANCELLED),
    /** Every recipient has been fanned out; deliveries may still be under way. */
    FANNED_OUT(CampaignDescriptor.STATE_FANNED_OUT),
    /** The answer to a dry run: nothing was sent. */
    EXPLAINED(CampaignDescriptor.STATE_EXPLAINED);

    private final byte code;

    CampaignState(final byte code)
    {
        this.code = code;
    }

    public byte code()
    {
        return code;
    }

    /** @return the state for a wire value, or null when this build does not know it. */
    public static CampaignState of(final int code)
    {
        for (final CampaignState s : values())
        {
            if (s.code == code)
            {
                return s;
            }
        }
        return null;
    }
}
