package io.dispatch.load;

import io.dispatch.client.DispatchException;
import io.dispatch.client.SubmitListener;
import io.dispatch.protocol.ErrorCode;

/**
 * A reusable {@link SubmitListener} carrying the intended send time of the one message it is armed
 * for, so the ACK path neither allocates nor looks anything up.
 * <p>
 * <b>Threading:</b> armed by the sender thread; its answer runs on the client I/O thread (or, for a
 * request the client refuses at once, on the sender thread inside {@code submit}), which reads
 * {@code intendedNs} and then clears {@code inFlight} (volatile) so the sender may re-arm it.
 */
public final class InFlightSubmit implements SubmitListener
{
    private final ConnectionTracker tracker;
    private long intendedNs;
    private int classIndex;
    private volatile boolean inFlight;

    public InFlightSubmit(final ConnectionTracker tracker)
    {
        this.tracker = tracker;
    }

    void arm(final long intendedNs, final int classIndex)
    {
        this.intendedNs = intendedNs;
        this.classIndex = classIndex;
        inFlight = true;
    }

    boolean isInFlight()
    {
        return inFlight;
    }

    /** For a submit that threw: it will never be answered. */
    void cancel()
    {
        inFlight = false;
    }

    public long intendedNs()
    {
        return intendedNs;
    }

    /** @return the message's class as a {@link MessageClasses} index. */
    public int classIndex()
    {
        return classIndex;
    }

    @Override
    public void onAck(final long messageId, final boolean duplicate)
    {
        final long intended = intendedNs;
        final int klass = classIndex;
        inFlight = false;
        tracker.onAck(intended, klass, messageId, duplicate);
    }

    @Override
    public void onNack(final ErrorCode code, final String detail)
    {
        final long intended = intendedNs;
        inFlight = false;
        tracker.onNack(intended, code);
    }

    /** Client-side failures (timeout, connection lost, local queue full, closed) are not engine NACKs. */
    @Override
    public void onFailure(final DispatchException failure)
    {
        final long intended = intendedNs;
        inFlight = false;
        if (failure.kind() == DispatchException.Kind.NACK || failure.kind() == DispatchException.Kind.ERROR)
        {
            tracker.onNack(intended, failure.code());
        }
        else
        {
            tracker.onClientFailure(intended, failure.kind());
        }
    }
}
