package io.dispatch.connector;

/**
 * A provider plug-in: pushes messages of one lane to one provider (SMSC, APNs, FCM, chat relay, …).
 * <p>
 * Lifecycle and threading contract:
 * <ol>
 *   <li>The runtime creates the connector through its {@link ConnectorFactory} and calls
 *       {@link #start(ConnectorContext)} once, on the lane thread, before any send. {@code start} may
 *       block to connect or bind; an exception fails engine start-up with the connector's name.</li>
 *   <li>{@link #send} is called only from the lane thread, never concurrently, and must not block:
 *       hand the request to the provider client and return. At most {@code lane.window} requests are
 *       outstanding at once.</li>
 *   <li>For every send the connector calls exactly one method of the {@link DeliveryCallback}, from any
 *       thread, once: accepted, rejected (permanent, with a {@link io.dispatch.protocol.Reason}) or failed
 *       (transient). It must not touch the request after that call: the runtime reuses it.</li>
 *   <li>Retries, backoff, deadlines, dead letters and metrics belong to the runtime; a connector never
 *       retries on its own.</li>
 *   <li>Later delivery receipts go to {@link ConnectorContext#receipts()}, from any thread, keyed by the
 *       message id.</li>
 *   <li>{@link #stop()} is called once on shutdown from the lane thread; it should fail nothing, finish
 *       what it can within a few seconds, and release threads and sockets.</li>
 *   <li>{@link #writeMetrics} may be called on the admin thread at any time after {@code start}, while
 *       sends go on: it reads counters (e.g. a {@link ConnectorCounters}) and must not block.</li>
 *   <li>State that must outlive a restart goes under {@link ConnectorContext#dataDir()}, private to the
 *       lane's connector.</li>
 *   <li>After a restart, {@link #query} is called on the lane thread, once per message the provider had accepted
 *       before and whose receipt has not come, right after {@code start}.</li>
 * </ol>
 */
public interface Connector
{
    /** @return implementation version, printed at start. */
    String version();

    void start(ConnectorContext context) throws Exception;

    void send(DeliveryRequest request, DeliveryCallback callback);

    void stop();

    /**
     * Asks the provider how a message it accepted before the restart ended, where the provider can be asked
     * (SMPP {@code query_sm}). The answer, if it is a final one, comes later as a receipt through
     * {@link ConnectorContext#receipts()}, from any thread; "still on its way" or "unknown" gives no receipt, and the
     * message keeps its receipt deadline. Must not block: the connector queues the question and paces its questions
     * to the provider itself.
     *
     * @return true when a question was queued; false when this connector cannot ask about this message (the
     *         default: no provider API for it, the feature is off, or the message is unknown to the connector).
     */
    default boolean query(final long messageId)
    {
        return false;
    }

    /** Writes the connector's own series for {@code GET /metrics}; none by default. */
    default void writeMetrics(final MetricsWriter out)
    {
    }
}
