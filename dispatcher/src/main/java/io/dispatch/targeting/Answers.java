package io.dispatch.targeting;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.CampaignStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/** Builds the targeting thread's answer frames (one per request, never per recipient). */
final class Answers
{
    private Answers()
    {
    }

    static void nack(final Requester to, final long correlationId, final ErrorCode code, final String detail)
    {
        if (to != null)
        {
            final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(64 + detail.length() * 3);
            ByteBufFrames.nack(out, correlationId, code, detail);
            to.answer(out);
        }
    }

    /** DIRECTORY_RESULT: applied count, then each rejected op's index, code and problem. */
    static void directoryResult(final Requester to, final long correlationId, final int applied,
        final int[] rejectedIndexes, final ErrorCode[] codes, final String[] problems, final int rejected)
    {
        if (to == null)
        {
            return;
        }
        final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(32 + rejected * 80);
        final int start = ByteBufFrames.beginFrame(out, MessageType.DIRECTORY_RESULT, 0, correlationId);
        out.writeShortLE(applied);
        out.writeShortLE(rejected);
        for (int i = 0; i < rejected; i++)
        {
            out.writeShortLE(rejectedIndexes[i]);
            out.writeShortLE(codes[i].code());
            final byte[] text = problems[i].getBytes(StandardCharsets.UTF_8);
            final int n = Math.min(text.length, 1024);
            out.writeShortLE(n);
            out.writeBytes(text, 0, n);
        }
        ByteBufFrames.endFrame(out, start);
        to.answer(out);
    }

    /** CAMPAIGN_RESULT with every non-zero counter of the campaign. */
    static void campaignResult(final Requester to, final long correlationId, final long campaignId, final byte state,
        final CampaignStats stats, final int slot)
    {
        if (to == null)
        {
            return;
        }
        final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(256);
        final int start = ByteBufFrames.beginFrame(out, MessageType.CAMPAIGN_RESULT, 0, correlationId);
        out.writeLongLE(campaignId);
        out.writeByte(state);
        out.writeByte(0);
        final int countAt = out.writerIndex();
        out.writeShortLE(0);
        final int[] count = {0};
        stats.forEach(slot, (counter, value) ->
        {
            out.writeShortLE(counter);
            out.writeLongLE(value);
            count[0]++;
        });
        out.setShortLE(countAt, count[0]);
        ByteBufFrames.endFrame(out, start);
        to.answer(out);
    }

    /** The protocol's state name in lower case, as logs and NACK details use it. */
    static String stateName(final byte state)
    {
        final String name = CampaignDescriptor.stateName(state);
        return name == null ? "state " + state : name.toLowerCase(java.util.Locale.ROOT);
    }
}
