package io.dispatch.cluster;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.targeting.Requester;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign's state and counters as one node has them (a CAMPAIGN_RESULT body, docs/protocol.md), and the sum the
 * cluster answers with: every node's own counters added up.
 */
record CampaignCounters(long campaignId, byte state, Map<Integer, Long> counters)
{
    private static final int BODY = FrameDescriptor.HEADER_LENGTH;

    /** @return the counters of a CAMPAIGN_RESULT frame, null when the frame is another answer (a NACK). */
    static CampaignCounters ofFrame(final byte[] frame)
    {
        if (frame == null || LocalTargeting.type(frame) != MessageType.CAMPAIGN_RESULT)
        {
            return null;
        }
        final ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        final long id = b.getLong(BODY);
        final byte state = b.get(BODY + 8);
        final int count = b.getShort(BODY + 10) & 0xFFFF;
        final Map<Integer, Long> counters = new TreeMap<>();
        for (int i = 0, at = BODY + 12; i < count; i++, at += 10)
        {
            counters.put(b.getShort(at) & 0xFFFF, b.getLong(at + 2));
        }
        return new CampaignCounters(id, state, counters);
    }

    /** As written on the campaigns topic: u8 state, u16 count, count x (u16 counter, i64 value). */
    void write(final ByteBuffer out)
    {
        out.put(state).putShort((short)counters.size());
        counters.forEach((k, v) -> out.putShort((short)(int)k).putLong(v));
    }

    int length()
    {
        return 3 + counters.size() * 10;
    }

    static CampaignCounters read(final long campaignId, final ByteBuffer in)
    {
        final byte state = in.get();
        final int count = in.getShort() & 0xFFFF;
        final Map<Integer, Long> counters = new TreeMap<>();
        for (int i = 0; i < count; i++)
        {
            counters.put(in.getShort() & 0xFFFF, in.getLong());
        }
        return new CampaignCounters(campaignId, state, counters);
    }

    /** @return these counters plus {@code other}'s, under {@code campaignId}, with this state. */
    CampaignCounters plus(final CampaignCounters other, final long campaignId)
    {
        final Map<Integer, Long> sum = new TreeMap<>(counters);
        other.counters.forEach((k, v) -> sum.merge(k, v, Long::sum));
        return new CampaignCounters(campaignId, state, sum);
    }

    void answer(final Requester to, final long correlationId)
    {
        final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(32 + counters.size() * 10);
        final int start = ByteBufFrames.beginFrame(out, MessageType.CAMPAIGN_RESULT, 0, correlationId);
        out.writeLongLE(campaignId);
        out.writeByte(state);
        out.writeByte(0);
        out.writeShortLE(counters.size());
        counters.forEach((k, v) -> out.writeShortLE(k).writeLongLE(v));
        ByteBufFrames.endFrame(out, start);
        to.answer(out);
    }

    /** Passes a local answer frame (a NACK) on to a client under the client's correlation id. */
    static void forward(final byte[] frame, final Requester to, final long correlationId)
    {
        final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(frame.length);
        out.writeBytes(frame);
        out.setLongLE(FrameDescriptor.CORRELATION_ID_OFFSET, correlationId);
        to.answer(out);
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
}
