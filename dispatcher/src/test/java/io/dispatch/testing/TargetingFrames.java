package io.dispatch.testing;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.CampaignFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Raw directory and campaign frames for engine tests (the client library has the same in its API). */
public final class TargetingFrames
{
    private TargetingFrames()
    {
    }

    public static void directoryUpdate(final ByteBuf b, final long correlationId, final List<byte[]> ops)
    {
        final int start = ByteBufFrames.beginFrame(b, MessageType.DIRECTORY_UPDATE, 0, correlationId);
        b.writeShortLE(ops.size());
        b.writeShortLE(0);
        for (final byte[] op : ops)
        {
            b.writeShortLE(op.length);
            b.writeBytes(op);
        }
        ByteBufFrames.endFrame(b, start);
    }

    /** A campaign body; {@code templates} alternates channel code and template id. */
    public static void campaign(final ByteBuf b, final long correlationId, final boolean dryRun, final int pacing,
        final long startAtMs, final String name, final String sender, final byte[] channels, final String segment,
        final Object... templates)
    {
        final ExpandableArrayBuffer body = new ExpandableArrayBuffer(256);
        final CampaignFlyweight w = new CampaignFlyweight().wrapForEncode(body, 0)
            .fixed(dryRun ? CampaignDescriptor.FLAG_DRY_RUN : 0, pacing, startAtMs, 0)
            .name(name.getBytes(StandardCharsets.UTF_8))
            .senderNumber(sender.getBytes(StandardCharsets.UTF_8))
            .channels(channels)
            .templateCount(templates.length / 2);
        for (int i = 0; i < templates.length; i += 2)
        {
            w.template((Integer)templates[i], ((String)templates[i + 1]).getBytes(StandardCharsets.UTF_8));
        }
        w.segment(segment.getBytes(StandardCharsets.UTF_8)).varCount(0);
        final int start = ByteBufFrames.beginFrame(b, MessageType.CAMPAIGN, 0, correlationId);
        b.writeBytes(body.byteArray(), 0, w.encodedLength());
        ByteBufFrames.endFrame(b, start);
    }

    public static void control(final ByteBuf b, final long correlationId, final long campaignId, final byte action)
    {
        ByteBufFrames.campaignControl(b, correlationId, campaignId, action);
    }

    public static void stats(final ByteBuf b, final long correlationId, final long campaignId, final String name)
    {
        ByteBufFrames.campaignStats(b, correlationId, campaignId, name);
    }

    /** A decoded CAMPAIGN_RESULT. */
    public record CampaignResult(long id, int state, Map<Integer, Long> counters)
    {
        public long counter(final int id)
        {
            return counters.getOrDefault(id, 0L);
        }

        public static CampaignResult of(final RawConnection.Frame f)
        {
            if (f.type != MessageType.CAMPAIGN_RESULT)
            {
                throw new AssertionError("expected CAMPAIGN_RESULT, got " + f);
            }
            final ByteBuf b = f.buf;
            final int at = FrameDescriptor.HEADER_LENGTH;
            final Map<Integer, Long> counters = new HashMap<>();
            final int n = b.getUnsignedShortLE(at + 10);
            for (int i = 0, p = at + 12; i < n; i++, p += 10)
            {
                counters.put(b.getUnsignedShortLE(p), b.getLongLE(p + 2));
            }
            return new CampaignResult(b.getLongLE(at), b.getUnsignedByte(at + 8), counters);
        }
    }

    /** A decoded DIRECTORY_RESULT: applied count and problem by rejected op index. */
    public record DirectoryResult(int applied, Map<Integer, String> rejected)
    {
        public static DirectoryResult of(final RawConnection.Frame f)
        {
            if (f.type != MessageType.DIRECTORY_RESULT)
            {
                throw new AssertionError("expected DIRECTORY_RESULT, got " + f);
            }
            final ByteBuf b = f.buf;
            int p = FrameDescriptor.HEADER_LENGTH;
            final int applied = b.getUnsignedShortLE(p);
            final int n = b.getUnsignedShortLE(p + 2);
            p += 4;
            final Map<Integer, String> rejected = new HashMap<>();
            for (int i = 0; i < n; i++)
            {
                final int index = b.getUnsignedShortLE(p);
                rejected.put(index, ByteBufFrames.readStr16(b, p + 4));
                p += 6 + b.getUnsignedShortLE(p + 4);
            }
            return new DirectoryResult(applied, rejected);
        }
    }
}
