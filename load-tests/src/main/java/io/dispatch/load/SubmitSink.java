package io.dispatch.load;

/**
 * Where a connection's sender hands each message: the real client in a run, a fake in tests.
 * <p>
 * <b>Threading:</b> called from the connection's sender thread only.
 */
@FunctionalInterface
public interface SubmitSink
{
    /**
     * Submits message {@code globalIndex} of the schedule (chooses recipient and content from it).
     *
     * @return false when the connection can no longer send (closed, failed): the sender stops.
     */
    boolean submit(long globalIndex, InFlightSubmit listener);
}
