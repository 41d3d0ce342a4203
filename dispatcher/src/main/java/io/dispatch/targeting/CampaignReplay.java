package io.dispatch.targeting;

import io.dispatch.journal.CampaignState;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.status.CampaignStats;

import java.util.function.LongPredicate;
import java.util.function.LongToIntFunction;

/**
 * The campaigns' state methods for a replay of the journal: a campaign message's ACCEPTED and STATE records count into
 * its campaign's {@link CampaignStats} as the status stage counted them live (there the slot comes with the message).
 * Used before the targeting thread and the ring start.
 */
public final class CampaignReplay implements CampaignState
{
    private final LongToIntFunction slotOf;
    private final LongPredicate resumable;
    private final CampaignStats stats;

    /**
     * @param slotOf    a campaign's stats slot ({@link TargetingConductor#campaignSlot}).
     * @param resumable whether a campaign can still fan out ({@link TargetingConductor#campaignResumable}).
     */
    public CampaignReplay(final LongToIntFunction slotOf, final LongPredicate resumable, final CampaignStats stats)
    {
        this.slotOf = slotOf;
        this.resumable = resumable;
        this.stats = stats;
    }

    @Override
    public int campaignMessage(final long campaignId, final byte channel, final byte decision, final short reason)
    {
        final int slot = slotOf.applyAsInt(campaignId);
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
        return resumable.test(campaignId);
    }

    @Override
    public void campaignState(final int campaignSlot, final byte channel, final byte state, final short reason)
    {
        stats.countState(campaignSlot, channel, state, reason);
    }
}
