package io.dispatch.status;

import io.dispatch.protocol.DeliveryState;

/**
 * End-to-end latency by class, from the journaled times of a message's state changes: acceptance to the first
 * provider acceptance ("handed off") and acceptance to its DELIVERED receipt ("delivered"), in milliseconds, the
 * resolution of those times. The clock lives in the {@link StatusTable} (one long a message); a deferral restarts it
 * at its due time, since that wait was asked for (send-at, night window, a rate limit's slot). <b>Single writer:</b>
 * the status stage thread; recording is allocation-free ({@link ClassLatency}).
 * <p>
 * A message recovered after a restart keeps the clock of its journaled acceptance: its later hand-off or delivery
 * is recorded with the time the engine was down in it, which is what its recipient waited.
 */
public final class EndToEndLatency
{
    public static final String FAMILY = "dispatch_e2e_latency_seconds";
    private static final long NANOS_PER_MS = 1_000_000L;

    private final ClassLatency handedOff = new ClassLatency("until=\"provider_accepted\",");
    private final ClassLatency delivered = new ClassLatency("until=\"delivered\",");

    /**
     * Status stage thread, before the table records the change (which then advances the message's clock).
     *
     * @param atMs the change's journaled time.
     */
    public void onState(final StatusTable table, final int slot, final byte state, final long atMs)
    {
        final boolean isHandOff = state == DeliveryState.PROVIDER_ACCEPTED.code();
        final boolean isDelivery = state == DeliveryState.DELIVERED.code();
        if (!isHandOff && !isDelivery)
        {
            return;
        }
        final long startMs = table.e2eStartMs(slot);
        if (startMs == 0)
        {
            return; // delivered already: a duplicate or late receipt
        }
        final byte kind = table.kind(slot);
        final long nanos = (atMs - startMs) * NANOS_PER_MS;
        if (!table.handedOff(slot))
        {
            // a DELIVERED with no PROVIDER_ACCEPTED before it was handed off then too, so both counts stay whole
            handedOff.record(kind, nanos);
        }
        if (isDelivery)
        {
            delivered.record(kind, nanos);
        }
    }

    /** Admin thread: the family with both spans, one summary per span and class. */
    public void appendPrometheus(final StringBuilder sb)
    {
        ClassLatency.family(sb, FAMILY, "acceptance to the first provider acceptance (until=provider_accepted) and to "
            + "the DELIVERED receipt (until=delivered), by class, since start; a deferral restarts the clock at its due time");
        handedOff.appendSamples(sb, FAMILY);
        delivered.appendSamples(sb, FAMILY);
    }
}
