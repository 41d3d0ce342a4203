package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;

import java.util.HashMap;
import java.util.Map;

/** A CAMPAIGN, CAMPAIGN_CONTROL or CAMPAIGN_STATS on its way: one credit each, answered by CAMPAIGN_RESULT. */
final class CampaignRequest extends AnswerRequest<CampaignResult>
{
    private final byte type;
    private final Campaign campaign;
    private final long campaignId;
    private final CampaignAction action;
    private final String name;

    private CampaignRequest(
        final byte type, final Campaign campaign, final long campaignId, final CampaignAction action, final String name)
    {
        this.type = type;
        this.campaign = campaign;
        this.campaignId = campaignId;
        this.action = action;
        this.name = name;
    }

    static CampaignRequest start(final Campaign campaign)
    {
        return new CampaignRequest(MessageType.CAMPAIGN, campaign, 0, null, null);
    }

    static CampaignRequest control(final long campaignId, final CampaignAction action)
    {
        return new CampaignRequest(MessageType.CAMPAIGN_CONTROL, null, campaignId, action, null);
    }

    /** @param name looked up when campaignId is 0. */
    static CampaignRequest stats(final long campaignId, final String name)
    {
        return new CampaignRequest(MessageType.CAMPAIGN_STATS, null, campaignId, null, name);
    }

    @Override
    void write(final ByteBuf out)
    {
        switch (type)
        {
            case MessageType.CAMPAIGN:
            {
                final int start = ByteBufFrames.beginFrame(out, type, 0, correlationId);
                campaign.writeBody(out);
                ByteBufFrames.endFrame(out, start);
                break;
            }
            case MessageType.CAMPAIGN_CONTROL:
                ByteBufFrames.campaignControl(out, correlationId, campaignId, action.code());
                break;
            default:
                ByteBufFrames.campaignStats(out, correlationId, campaignId, name);
                break;
        }
    }

    @Override
    byte answerType()
    {
        return MessageType.CAMPAIGN_RESULT;
    }

    /** u64 campaignId, u8 state, u8 reserved, u16 counterCount, then counterCount x (u16 counter, u64 value). */
    @Override
    CampaignResult decode(final ByteBuf frame, final int body, final int bodyLength)
    {
        final int count = bodyLength < 12 ? -1 : frame.getUnsignedShortLE(body + 10);
        if (count < 0 || 12 + count * 10 > bodyLength)
        {
            throw new IndexOutOfBoundsException("CAMPAIGN_RESULT body of " + bodyLength + " bytes");
        }
        final Map<Integer, Long> counters = new HashMap<>();
        for (int i = 0, p = body + 12; i < count; i++, p += 10)
        {
            counters.put(frame.getUnsignedShortLE(p), frame.getLongLE(p + 2));
        }
        return new CampaignResult(frame.getLongLE(body), frame.getUnsignedByte(body + 8), counters);
    }
}
