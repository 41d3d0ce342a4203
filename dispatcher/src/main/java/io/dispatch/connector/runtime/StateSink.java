package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/** Where a lane sends its state changes to be journaled. Lane thread only. */
public interface StateSink
{
    void publish(long messageId, DeliveryState state, int attempts, byte channel, Reason reason, long atMs);

    /**
     * Publishes what was collected.
     *
     * @return a position that {@code journaledPosition} (given to the lane) reaches once everything
     * published so far is in the journal; -1 before anything was published.
     */
    long flush();
}
