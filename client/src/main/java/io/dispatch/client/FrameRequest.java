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

    /** Writes the whole frame, header included, with {@link #correlationId}. I/O thread. */
    abstract void write(ByteBuf out);
}
