package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

import java.util.ArrayList;
import java.util.List;

/**
 * Receipt subscriptions confirmed by the engine (OK), kept to fan receipts out and to subscribe again after a
 * reconnect.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the I/O thread.
 */
final class Subscriptions
{
    private final List<SubscribeRequest> confirmed = new ArrayList<>();

    void add(final SubscribeRequest subscription)
    {
        confirmed.add(subscription);
    }

    int size()
    {
        return confirmed.size();
    }

    /** Queues a SUBSCRIBE for each confirmed subscription ahead of all other requests, in the original order. */
    void restore(final OutboundQueue outbound, final long deadlineNs)
    {
        for (int i = confirmed.size() - 1; i >= 0; i--)
        {
            final SubscribeRequest original = confirmed.get(i);
            final SubscribeRequest again = new SubscribeRequest(original.scope, original.stateMask, original.listener, null);
            again.deadlineNs = deadlineNs;
            outbound.addControlFirst(again);
        }
    }

    void onReceipt(
        final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs,
        final ChannelType channel)
    {
        for (int i = 0, n = confirmed.size(); i < n; i++)
        {
            try
            {
                confirmed.get(i).listener.onReceipt(messageId, state, attempts, reason, atEpochMs, channel);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }

    void onReceiptsDropped(final int count)
    {
        for (int i = 0, n = confirmed.size(); i < n; i++)
        {
            try
            {
                confirmed.get(i).listener.onReceiptsDropped(count);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }

    void clear()
    {
        confirmed.clear();
    }
}
