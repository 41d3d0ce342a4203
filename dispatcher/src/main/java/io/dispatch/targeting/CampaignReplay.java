package io.dispatch.targeting;

import io.dispatch.journal.CampaignState;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;

/**
 * The campaigns' state methods for a replay of the journal: a campaign message's ACCEPTED and STATE records count into
 * its campaign's {@link CampaignStats} as the status stage counted them live (there the slot comes with the message).
 * Used before the targeting thread and the ring start.
 */
public final class CampaignReplay implements CampaignState
{
    private final TargetingConductor targeting;
    private final CampaignStats stats;

    public CampaignReplay(final TargetingConductor targeting, final CampaignStats stats)
    {
        this.targeting = targeting;
        this.stats = stats;
    }

    @Override
    public int campaignMessage(final long campaignId, final byte channel, final byte decision, final short reason)
    {
        final int slot = targeting.campaignSlot(campaignId);
        stats.countAccepted(slot, channel, decision, reason, false);
        if (decision == Decision.SUPPRESS.code())
        {
            // live, the status stage counts the SUPPRESSED state the acceptance decided; its record is the ACCEPTED one
            stats.countState(slot, channel, DeliveryState.SUPPRESSED.code(), reason);
        }
        return slot;
    }

    @Override
    public boolean campaignResumable(final long campaignId)
    {
        return targeting.campaignResumable(campaignId);
    }

    @Override
    public void campaignState(final int campaignSlot, final byte channel, final byte state, final short reason)
    {
        stats.countState(campaignSlot, channel, state, reason);
    }
}
