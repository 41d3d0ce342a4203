package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/** Where a lane sends its state changes to be journaled. Lane thread only. */
public interface StateSink
{
    void publish(long messageId, DeliveryState state, int attempts, byte channel, Reason reason, long atMs);

    /**
     * The lane gives the message up for its fallback channel, for {@code trigger}: after the state changes
     * published so far, the policy stage decides it again on {@code channel} (and journals the result), then the
     * hand-off stage gives it to that channel's lane ({@link ConnectorLane#acceptFallback}) or the scheduler.
     *
     * @param priority informational or auth (the decision reads the class from the journal; a test sink may not).
     */
    void fallBack(long messageId, byte channel, Reason trigger, long atMs, boolean priority);

    /**
     * A receipt came after the receipt deadline moved the message to its fallback channel: journaled as evidence (both
     * channels may have reached the recipient), not as a state change.
     */
    default void lateReceipt(long messageId, byte channel, DeliveryState state, Reason reason, long atMs)
    {
    }

    /**
     * Publishes what was collected.
     *
     * @return a position that {@code journaledPosition} (given to the lane) reaches once everything
     * published so far is in the journal; -1 before anything was published.
     */
    long flush();
}
