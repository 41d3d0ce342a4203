package io.dispatch.targeting;

import io.netty.buffer.ByteBuf;

/** Where the answer to a directory or campaign request goes: the client connection that sent it. */
public interface Requester
{
    /**
     * Sends one whole answer frame and gives the request's credit back. Safe from any thread: the
     * targeting thread answers, the connection's event loop writes.
     */
    void answer(ByteBuf frame);
}
