package io.dispatch.client;

/**
 * Receives INBOUND frames after {@link DispatchClient#subscribeInbound(long, InboundListener)}.
 * <p>
 * <b>Threading:</b> called on the client's I/O thread; implementations must be quick and must not block.
 */
@FunctionalInterface
public interface InboundListener
{
    void onInbound(InboundMessage message);
}
