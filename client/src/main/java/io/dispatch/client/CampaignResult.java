package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Reason;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The answer to {@link DispatchClient#startCampaign}, {@link DispatchClient#controlCampaign} and
 * {@link DispatchClient#campaignStats} (CAMPAIGN_RESULT): the campaign's id, state and counters. Counters the
 * engine has never seen are absent and read as 0. Immutable.
 */
public final class CampaignResult
{
    private final long campaignId;
    private final CampaignState state;
    private final int stateCode;
    private final SortedMap<Integer, Long> counters;

    /**
     * @param campaignId the journal index of the CAMPAIGN record; 0 for a dry run.
     * @param stateCode  the wire state (see {@link CampaignState}).
     * @param counters   counter id to value ({@link CampaignDescriptor} COUNTER_ constants).
     */
    public CampaignResult(final long campaignId, final int stateCode, final Map<Integer, Long> counters)
    {
        this.campaignId = campaignId;
        this.stateCode = stateCode;
        this.state = CampaignState.of(stateCode);
        this.counters = Collections.unmodifiableSortedMap(new TreeMap<>(counters));
    }

    public long campaignId()
    {
        return campaignId;
    }

    /** @return the state, or null for a state this build does not know (see {@link #stateCode()}). */
    public CampaignState state()
    {
        return state;
    }

    public int stateCode()
    {
        return stateCode;
    }

    /** @return every counter the engine sent, by id, in id order. */
    public SortedMap<Integer, Long> counters()
    {
        return counters;
    }

    /** @return one counter by id, 0 when absent. */
    public long counter(final int id)
    {
        return counters.getOrDefault(id, 0L);
    }

    /** @return recipients the segment matched when the campaign started (for a dry run: would match). */
    public long targeted()
    {
        return counter(CampaignDescriptor.COUNTER_TARGETED);
    }

    /** @return recipients handed to the ring so far: the progress cursor. */
    public long fannedOut()
    {
        return counter(CampaignDescriptor.COUNTER_FANNED_OUT);
    }

    /** @return recipients skipped because no channel of the order reaches them. */
    public long unreachable()
    {
        return counter(CampaignDescriptor.COUNTER_UNREACHABLE);
    }

    /** @return recipients skipped because their phone opted out of the campaign's sender number. */
    public long senderOptOut()
    {
        return counter(CampaignDescriptor.COUNTER_SENDER_OPT_OUT);
    }

    public long decidedSend()
    {
        return counter(CampaignDescriptor.COUNTER_DECIDED_SEND);
    }

    public long decidedDefer()
    {
        return counter(CampaignDescriptor.COUNTER_DECIDED_DEFER);
    }

    public long decidedSuppress()
    {
        return counter(CampaignDescriptor.COUNTER_DECIDED_SUPPRESS);
    }

    /** @return recipients already sent to by this campaign (a fan-out resumed after a restart). */
    public long duplicates()
    {
        return counter(CampaignDescriptor.COUNTER_DUPLICATE);
    }

    /** @return messages ended CANCELLED after acceptance, before a provider had them (the campaign was cancelled). */
    public long cancelled()
    {
        return counter(CampaignDescriptor.COUNTER_CANCELLED);
    }

    /** @return messages confirmed before their lane's receipt deadline: fallback sends (SMS after push) saved. */
    public long fallbackAvoided()
    {
        return counter(CampaignDescriptor.COUNTER_FALLBACK_AVOIDED);
    }

    public long fannedOut(final ChannelType channel)
    {
        return counter(CampaignDescriptor.channelCounter(channel.code(), CampaignDescriptor.CHANNEL_FANNED_OUT));
    }

    public long delivered(final ChannelType channel)
    {
        return counter(CampaignDescriptor.channelCounter(channel.code(), CampaignDescriptor.CHANNEL_DELIVERED));
    }

    public long failed(final ChannelType channel)
    {
        return counter(CampaignDescriptor.channelCounter(channel.code(), CampaignDescriptor.CHANNEL_FAILED));
    }

    /** @return suppressed messages by policy reason (no consent, night window, capped, ...), non-zero only. */
    public Map<Reason, Long> suppressedByReason()
    {
        final Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (final Map.Entry<Integer, Long> e : counters.tailMap(CampaignDescriptor.COUNTER_SUPPRESSED_BASE).entrySet())
        {
            if (e.getValue() != 0)
            {
                byReason.merge(Reason.of(e.getKey() - CampaignDescriptor.COUNTER_SUPPRESSED_BASE), e.getValue(), Long::sum);
            }
        }
        return byReason;
    }

    @Override
    public String toString()
    {
        return "CampaignResult{id=" + campaignId + ", state=" + (state != null ? state : "UNKNOWN(" + stateCode + ")") +
            ", counters=" + counters + '}';
    }
}
