package io.dispatch.ingest;

import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBuf;

/** SUBMIT_BATCH's framing, checked whole before any item is taken. */
final class SubmitBatchFrame
{
    private SubmitBatchFrame()
    {
    }

    /**
     * SUBMIT_BATCH framing: u16 count, u16 reserved, then count items of u16 length + SUBMIT body, nothing after.
     *
     * @return the item count, -1 when the body is shorter than the batch header.
     */
    static int count(final ByteBuf frame, final int offset, final int length)
    {
        return length < SubmitDescriptor.BATCH_HEADER_LENGTH ? -1 : frame.getUnsignedShortLE(offset);
    }

    /** @return null when the batch header is valid, else what is wrong with it. */
    static String headerProblem(final ByteBuf frame, final int offset, final int length)
    {
        if (length < SubmitDescriptor.BATCH_HEADER_LENGTH)
        {
            return "SUBMIT_BATCH body shorter than 4 bytes";
        }
        final int count = count(frame, offset, length);
        return count == 0 || count > SubmitDescriptor.MAX_BATCH_COUNT
            ? "SUBMIT_BATCH count " + count + " outside 1..1024" : null;
    }

    /** @return null when the batch's {@code count} items fill the body exactly, else what is wrong. */
    static String itemsProblem(final ByteBuf frame, final int offset, final int length, final int count)
    {
        final int end = offset + length;
        int p = offset + SubmitDescriptor.BATCH_HEADER_LENGTH;
        int framed = 0;
        while (framed < count && p + 2 <= end && p + 2 + frame.getUnsignedShortLE(p) <= end)
        {
            p += 2 + frame.getUnsignedShortLE(p);
            framed++;
        }
        if (framed < count)
        {
            return "SUBMIT_BATCH item " + framed + " runs past the frame; no item of the batch processed";
        }
        return p != end ? "SUBMIT_BATCH has bytes after its last item; no item of the batch processed" : null;
    }
}
