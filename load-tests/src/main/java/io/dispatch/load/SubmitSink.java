package io.dispatch.load;

/**
 * Where a connection's sender hands each message: the real client in a run, a fake in tests.
 * <p>
 * <b>Threading:</b> called from the connection's event loop only (its {@link LoopSender}).
 */
@FunctionalInterface
public interface SubmitSink
{
    /**
     * Submits message {@code streamIndex} of stream {@code stream} (chooses recipient and content from it).
     *
     * @return false when the connection can no longer send (closed, failed): the sender stops.
     */
    boolean submit(int stream, long streamIndex, InFlightSubmit listener);
}
