package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;

/** What {@link DispatchClient#controlCampaign} asks of a running or scheduled campaign. */
public enum CampaignAction
{
    PAUSE(CampaignDescriptor.ACTION_PAUSE),
    RESUME(CampaignDescriptor.ACTION_RESUME),
    CANCEL(CampaignDescriptor.ACTION_CANCEL);

    private final byte code;

    CampaignAction(final byte code)
    {
        this.code = code;
    }

    public byte code()
    {
        return code;
    }
}
