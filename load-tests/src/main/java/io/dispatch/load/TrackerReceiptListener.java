package io.dispatch.load;

import io.dispatch.client.ReceiptListener;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/**
 * Feeds a connection's receipts into its {@link ConnectionTracker}. Subscribed before the run's
 * timeline exists (the subscription is a round trip), attached to the tracker just before sending
 * starts; with connection scope no receipt can come before the first submit.
 * <p>
 * <b>Threading:</b> {@link #attach} on the main thread; callbacks on the connection's client I/O thread.
 */
public final class TrackerReceiptListener implements ReceiptListener
{
    private volatile ConnectionTracker tracker;

    public void attach(final ConnectionTracker tracker)
    {
        this.tracker = tracker;
    }

    @Override
    public void onReceipt(
        final long messageId, final DeliveryState state, final int attempts, final Reason reason, final long atEpochMs)
    {
        final ConnectionTracker t = tracker;
        if (t != null)
        {
            t.onReceipt(messageId, state);
        }
    }

    @Override
    public void onReceiptsDropped(final int count)
    {
        final ConnectionTracker t = tracker;
        if (t != null)
        {
            t.onReceiptsDropped(count);
        }
    }
}
