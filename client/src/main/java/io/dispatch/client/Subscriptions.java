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
            final SubscribeRequest again = original.restore();
            again.deadlineNs = deadlineNs;
            outbound.addControlFirst(again);
        }
    }

    /** Restores and an answer to the original share the listener: the newest confirmation replaces the older. */
    void confirmRestore(final SubscribeRequest restored)
    {
        for (int i = 0, n = confirmed.size(); i < n; i++)
        {
            final SubscribeRequest s = confirmed.get(i);
            if (s.listener == restored.listener && s.inboundListener == restored.inboundListener)
            {
                confirmed.set(i, restored);
            }
        }
    }

    void onInbound(final InboundMessage message)
    {
        for (int i = 0, n = confirmed.size(); i < n; i++)
        {
            final SubscribeRequest s = confirmed.get(i);
            if (s.inboundListener == null)
            {
                continue;
            }
            s.resumeAfter = Math.max(s.resumeAfter, message.position());
            try
            {
                s.inboundListener.onInbound(message);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }

    void onReceipt(
        final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs,
        final ChannelType channel, final long position)
    {
        for (int i = 0, n = confirmed.size(); i < n; i++)
        {
            final SubscribeRequest s = confirmed.get(i);
            if (s.listener == null)
            {
                continue;
            }
            if (s.resumeAfter != SubscribeRequest.LIVE && position != 0)
            {
                s.resumeAfter = Math.max(s.resumeAfter, position);
            }
            try
            {
                s.listener.onReceipt(messageId, state, attempts, reason, atEpochMs, channel, position);
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
            final ReceiptListener listener = confirmed.get(i).listener;
            if (listener == null)
            {
                continue;
            }
            try
            {
                listener.onReceiptsDropped(count);
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
