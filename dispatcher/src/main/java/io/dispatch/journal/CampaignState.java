package io.dispatch.journal;

/**
 * The campaigns' side of a replay: their stats slots, whether one can still fan out (so its keys must be
 * deduplicated), and their counts. Live, the status stage counts into the same {@code CampaignStats} with the slot
 * the campaign's messages carry.
 */
public interface CampaignState
{
    /**
     * A campaign's journaled message: counted as decided, and as SUPPRESSED when that was the decision (the ACCEPTED
     * record is that state's only record).
     *
     * @return the campaign's stats slot, 0 if none.
     */
    default int campaignMessage(long campaignId, byte channel, byte decision, short reason)
    {
        return 0;
    }

    /** @return whether a campaign may still publish messages (so its keys must be deduplicated). */
    default boolean campaignResumable(long campaignId)
    {
        return true;
    }

    /** A later state of a campaign's message, on the channel the message is on now. */
    default void campaignState(int campaignSlot, byte channel, byte state, short reason)
    {
    }
}
