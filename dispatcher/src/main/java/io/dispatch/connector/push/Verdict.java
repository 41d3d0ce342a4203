package io.dispatch.connector.push;

import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.Reason;

/**
 * What a provider answer means for the engine, as a value so that the APNs and FCM result tables can be
 * tested as data. Immutable.
 *
 * @param outcome      accepted, rejected (permanent) or failed (transient).
 * @param reason       the engine reason; {@link Reason#NONE} when accepted.
 * @param retryAfterMs the provider's retry hint for failures, 0 for none.
 */
public record Verdict(Outcome outcome, Reason reason, long retryAfterMs)
{
    public enum Outcome
    {
        ACCEPTED, REJECTED, FAILED
    }

    public static final Verdict ACCEPT = new Verdict(Outcome.ACCEPTED, Reason.NONE, 0);

    public static Verdict reject(final Reason reason)
    {
        return new Verdict(Outcome.REJECTED, reason, 0);
    }

    public static Verdict fail(final Reason reason, final long retryAfterMs)
    {
        return new Verdict(Outcome.FAILED, reason, retryAfterMs);
    }

    /** As {@link #apply(DeliveryRequest, DeliveryCallback, ReceiptSink)}, counting the outcome first. */
    public void apply(
        final DeliveryRequest request, final DeliveryCallback callback, final ReceiptSink receipts, final ConnectorCounters counters,
        final long latencyNs)
    {
        switch (outcome)
        {
            case ACCEPTED -> counters.accepted(latencyNs);
            case REJECTED -> counters.rejected(reason, latencyNs);
            default -> counters.failed(reason, latencyNs);
        }
        apply(request, callback, receipts);
    }

    /** Makes exactly one callback for the request (plus the DELIVERED receipt when accepted). */
    public void apply(final DeliveryRequest request, final DeliveryCallback callback, final ReceiptSink receipts)
    {
        switch (outcome)
        {
            case ACCEPTED -> PushOutcomes.accepted(request, callback, receipts);
            case REJECTED -> callback.onRejected(request, reason);
            default -> callback.onFailed(request, reason, retryAfterMs);
        }
    }
}
