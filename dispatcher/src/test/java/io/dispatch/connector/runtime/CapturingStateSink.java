package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records a lane's state changes; "journals" every flush at once unless the test holds the journal back. */
final class CapturingStateSink implements StateSink
{
    record Change(long messageId, DeliveryState state, int attempts, byte channel, Reason reason, long atMs)
    {
    }

    final List<Change> changes = new ArrayList<>();
    private final Function<Byte, ConnectorLane> laneByChannel;
    private long flushed = -1;
    private long journaled = Long.MAX_VALUE;

    /** @param laneByChannel the lanes fallbacks go to, as the policy stage would let them through (SEND). */
    CapturingStateSink(final Function<Byte, ConnectorLane> laneByChannel)
    {
        this.laneByChannel = laneByChannel;
    }

    @Override
    public void publish(
        final long messageId, final DeliveryState state, final int attempts, final byte channel, final Reason reason,
        final long atMs)
    {
        changes.add(new Change(messageId, state, attempts, channel, reason, atMs));
    }

    /** Records the move as the policy stage journals a SEND (RETRYING on the new channel) and hands it over. */
    @Override
    public void fallBack(final long messageId, final byte channel, final Reason trigger, final long atMs,
        final boolean priority)
    {
        changes.add(new Change(messageId, DeliveryState.RETRYING, 0, channel, trigger, atMs));
        laneByChannel.apply(channel).acceptFallback(messageId, priority);
    }

    @Override
    public long flush()
    {
        return ++flushed;
    }

    /** From now on the journal lags: nothing flushed later counts as journaled until {@link #catchUp()}. */
    void holdJournal()
    {
        journaled = flushed;
    }

    void catchUp()
    {
        journaled = Long.MAX_VALUE;
    }

    long journaledPosition()
    {
        return journaled;
    }

    List<Change> of(final long messageId)
    {
        return changes.stream().filter(c -> c.messageId() == messageId).toList();
    }

    long count(final DeliveryState state, final Reason reason)
    {
        return changes.stream().filter(c -> c.state() == state && (reason == null || c.reason() == reason)).count();
    }
}
