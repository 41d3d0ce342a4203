package io.dispatch.ingest;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.MessageType;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;

/**
 * The framing checks of directory and campaign frames on the event loop: only what decides whether the
 * body can be handed over at all. Each op and campaign field is checked by the targeting thread, which
 * answers with the field that is wrong.
 */
final class TargetingFrames
{
    private TargetingFrames()
    {
    }

    /** @return the {@link TargetingRequest} type of a message type, or 0 when it is not a targeting frame. */
    static int requestType(final byte messageType)
    {
        switch (messageType)
        {
            case MessageType.DIRECTORY_UPDATE: return TargetingRequest.DIRECTORY_UPDATE;
            case MessageType.CAMPAIGN: return TargetingRequest.CAMPAIGN;
            case MessageType.CAMPAIGN_CONTROL: return TargetingRequest.CAMPAIGN_CONTROL;
            case MessageType.CAMPAIGN_STATS: return TargetingRequest.CAMPAIGN_STATS;
            default: return 0;
        }
    }

    /** @return null when the frame can be handed over, otherwise what is wrong with its framing. */
    static String check(final int requestType, final ByteBuf b, final int offset, final int length)
    {
        if (requestType != TargetingRequest.DIRECTORY_UPDATE)
        {
            return length == 0 ? "empty body" : null;
        }
        if (length < DirectoryOp.BATCH_HEADER_LENGTH)
        {
            return "DIRECTORY_UPDATE body shorter than 4 bytes";
        }
        final int count = b.getUnsignedShortLE(offset);
        if (count == 0 || count > DirectoryOp.MAX_BATCH_COUNT)
        {
            return "count " + count + " outside 1.." + DirectoryOp.MAX_BATCH_COUNT;
        }
        final int end = offset + length;
        int p = offset + DirectoryOp.BATCH_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            if (p + 2 > end || p + 2 + b.getUnsignedShortLE(p) > end)
            {
                return "op " + i + " truncated: nothing of this frame was applied";
            }
            p += 2 + b.getUnsignedShortLE(p);
        }
        return p == end ? null : "bytes after the last op: nothing of this frame was applied";
    }
}
