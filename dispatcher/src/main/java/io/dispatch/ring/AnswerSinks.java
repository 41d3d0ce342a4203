package io.dispatch.ring;

/**
 * The live connections as the status stage sees them, to route receipts. Implemented by the ingest side's session
 * registry; both lookups are lock-free reads for the ring thread.
 */
public interface AnswerSinks
{
    /** No more connections are open at once: sized arrays of sinks never overflow. */
    int MAX_SINKS = 4096;

    /** @return the sink of a live connection by its reference, null when that connection is gone. */
    AnswerSink resolve(int sessionRef);

    /** @return the sinks subscribed to every receipt of their tenant (any tenant: filter by {@link AnswerSink#tenantId()}). */
    AnswerSink[] tenantSubscribers();
}
