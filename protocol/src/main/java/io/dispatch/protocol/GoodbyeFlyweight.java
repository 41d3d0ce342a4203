package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * GOODBYE, either way: the sender leaves. A client's carries the reason only ({@link #REASON_FRAME_LENGTH}); the
 * engine's carries how long to wait before connecting again too (added 2026-12), so a reader checks
 * {@link #bodyLength()} before it reads a field: {@link #reason()} and {@link #retryAfterMs()} do, and read 0 for a
 * field the frame does not have.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +-------------------------------+-------------------------------+
 *  |         Reason (u16)          |     Retry After ms (u32)     ...
 *  +-------------------------------+-------------------------------+
 * ...                              |
 *  +-------------------------------+
 * </pre>
 */
public final class GoodbyeFlyweight extends FrameFlyweight
{
    public static final int REASON_OFFSET = BODY;
    public static final int RETRY_AFTER_MS_OFFSET = BODY + 2;
    /** A GOODBYE with the reason only: what a client sends. */
    public static final int REASON_FRAME_LENGTH = BODY + 2;
    /** The engine's GOODBYE. */
    public static final int FRAME_LENGTH = BODY + 6;

    /** A normal leave; any other reason is an {@link ErrorCode} (22 SHUTTING_DOWN when the engine stops). */
    public static final int NORMAL = 0;

    public GoodbyeFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }

    /** @return the reason; {@link #NORMAL} when the frame has none. */
    public int reason()
    {
        return frameLength() >= REASON_FRAME_LENGTH ? buffer.getShort(offset + REASON_OFFSET, LE) & 0xFFFF : NORMAL;
    }

    public GoodbyeFlyweight reason(final int reason)
    {
        buffer.putShort(offset + REASON_OFFSET, (short)reason, LE);
        return this;
    }

    /** @return how long to wait before connecting again, unsigned; 0 when the frame has none (a client's). */
    public long retryAfterMs()
    {
        return frameLength() >= FRAME_LENGTH ? buffer.getInt(offset + RETRY_AFTER_MS_OFFSET, LE) & 0xFFFF_FFFFL : 0;
    }

    /** Sets the wait, capped at the u32 maximum. */
    public GoodbyeFlyweight retryAfterMs(final long retryAfterMs)
    {
        buffer.putInt(offset + RETRY_AFTER_MS_OFFSET, (int)Math.min(retryAfterMs, 0xFFFF_FFFFL), LE);
        return this;
    }
}
