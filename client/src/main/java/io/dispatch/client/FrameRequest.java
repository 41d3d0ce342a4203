package io.dispatch.client;

import io.netty.buffer.ByteBuf;

/** A credited request written as one frame of its own (STATUS, dry-run SUBMIT, CANCEL, CONSENT). */
abstract class FrameRequest<T> extends FutureRequest<T>
{
    @Override
    final boolean costsCredit()
    {
        return true;
    }

    /** @return the frame's length when it may approach the engine's frame cap, else 0 (always small). */
    int frameLength()
    {
        return 0;
    }

    /** Writes the whole frame, header included, with {@link #correlationId}. I/O thread. */
    abstract void write(ByteBuf out);
}
