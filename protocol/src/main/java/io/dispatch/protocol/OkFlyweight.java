package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;

/**
 * OK: success of a control request (SUBSCRIBE, SUBSCRIBE_INBOUND, CONSENT). The frame is the header alone: the
 * correlation id says which request succeeded.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Header (16 bytes, FrameDescriptor)          ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class OkFlyweight extends FrameFlyweight
{
    public static final int FRAME_LENGTH = BODY;

    public OkFlyweight wrap(final MutableDirectBuffer buffer, final int frameOffset)
    {
        wrapFrame(buffer, frameOffset);
        return this;
    }
}
