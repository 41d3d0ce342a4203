package io.dispatch.client;

/** A PING on its way; its payload is the send time, echoed by PONG. See {@link Request}. */
final class PingRequest extends FutureRequest<Long>
{
    @Override
    boolean costsCredit()
    {
        return false;
    }
}
