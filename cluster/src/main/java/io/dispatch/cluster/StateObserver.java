package io.dispatch.cluster;

import com.lmax.disruptor.EventHandler;
import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;

/**
 * Follows the messages fed from the cluster log through the engine, on the journal thread right after the journal
 * stage ({@code ClusterHooks#journaledObserver}): records each one the lanes may send ({@link LiveMessages}, for the
 * {@link OwnershipFence}) and tells the feeder when one is done, parked or dropped ({@link ProgressSignals}), so it
 * commits only past finished messages and marks the rest in the changelog ({@link StateChangelog}).
 * <p>
 * Done means: the provider accepted it (or it ended without a send: suppressed, capped, a duplicate, rejected, failed,
 * expired). From then on a new owner must not send it again.
 */
final class StateObserver implements EventHandler<DispatchEvent>
{
    private final LiveMessages live;
    private final OwnershipFence fence;
    private final ProgressSignals signals;
    private volatile AcceptedPublisher publisher;

    StateObserver(final LiveMessages live, final OwnershipFence fence, final ProgressSignals signals)
    {
        this.live = live;
        this.fence = fence;
        this.signals = signals;
    }

    /** Set once the engine is up, before the feeder publishes anything. */
    void publisher(final AcceptedPublisher publisher)
    {
        this.publisher = publisher;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        switch (e.type)
        {
            case DispatchEvent.SUBMIT -> onSubmit(e, sequence);
            case DispatchEvent.STATE ->
            {
                for (int i = 0; i < e.stateCount; i++)
                {
                    final int at = i * StateRecords.LENGTH;
                    onState(StateRecords.messageId(e.body, at), StateRecords.state(e.body, at),
                        StateRecords.reason(e.body, at));
                }
            }
            case DispatchEvent.RELEASE, DispatchEvent.FALLBACK ->
            {
                if (e.outcome != DispatchEvent.OUTCOME_IGNORED || e.type == DispatchEvent.FALLBACK)
                {
                    onMoved(e.messageId, e.newState);
                }
            }
            case DispatchEvent.CANCEL ->
            {
                if (e.newState == DeliveryState.CANCELLED.code())
                {
                    onMoved(e.messageId, e.newState);
                }
            }
            default ->
            {
            }
        }
    }

    private void onSubmit(final DispatchEvent e, final long sequence)
    {
        final AcceptedPublisher p = publisher;
        final long clusterId = p == null ? -1 : p.sourceIdAt(sequence);
        if (clusterId < 0)
        {
            return; // not fed from the cluster log (a dry run, a campaign's message)
        }
        final int partition = ClusterMessageIds.partition(clusterId);
        final int epoch = fence.epoch(partition);
        if (epoch == 0)
        {
            return; // lost meanwhile: the lanes drop it (not live), the new owner sends it
        }
        if (e.outcome == DispatchEvent.OUTCOME_STORAGE_FULL || e.outcome == DispatchEvent.OUTCOME_JOURNAL_FAILED)
        {
            // not journaled here: it holds the partition's commit, so the partition's next owner sends it
            signals.offer(ProgressSignals.DROPPED, epoch, clusterId);
        }
        else if (e.outcome != DispatchEvent.OUTCOME_ACCEPTED)
        {
            signals.offer(ProgressSignals.DONE, epoch, clusterId); // a duplicate, or refused by a rate limit
        }
        else if (e.decision == Decision.SEND.code())
        {
            live.put(e.messageId, clusterId, partition, epoch);
        }
        else if (e.decision == Decision.DEFER.code())
        {
            live.put(e.messageId, clusterId, partition, epoch);
            signals.offer(ProgressSignals.PARKED, epoch, clusterId);
        }
        else
        {
            signals.offer(ProgressSignals.DONE, epoch, clusterId); // suppressed, capped: ended without a send
        }
    }

    private void onState(final long id, final byte state, final short reason)
    {
        final int slot = live.find(id);
        if (slot < 0)
        {
            return;
        }
        if (state == DeliveryState.DISPATCHED.code())
        {
            live.sending(slot, true);
            return;
        }
        resolveSend(slot);
        if (state == DeliveryState.CANCELLED.code() && reason == Reason.CANCELLED.code())
        {
            finish(slot, ProgressSignals.DROPPED); // the fence: fed messages are no campaign's, so no campaign cancel
        }
        else if (state == DeliveryState.PROVIDER_ACCEPTED.code() || isTerminal(state))
        {
            finish(slot, ProgressSignals.DONE);
        }
    }

    /** A RELEASE, FALLBACK or CANCEL: the policy stage decided the message again. */
    private void onMoved(final long id, final byte newState)
    {
        final int slot = live.find(id);
        if (slot < 0)
        {
            return;
        }
        resolveSend(slot);
        if (isTerminal(newState))
        {
            finish(slot, ProgressSignals.DONE);
        }
        else
        {
            signal(slot, newState == DeliveryState.DEFERRED.code() ? ProgressSignals.PARKED : ProgressSignals.ACTIVE);
        }
    }

    private static boolean isTerminal(final byte code)
    {
        final DeliveryState state = DeliveryState.of(code);
        return state != null && state.isTerminal();
    }

    private void resolveSend(final int slot)
    {
        if (live.sending(slot))
        {
            live.sending(slot, false);
            fence.sendResolved(ClusterMessageIds.partition(live.clusterId(slot)));
        }
    }

    private void finish(final int slot, final int kind)
    {
        signal(slot, kind);
        live.removeAt(slot);
    }

    private void signal(final int slot, final int kind)
    {
        final long clusterId = live.clusterId(slot);
        final int epoch = live.epoch(slot);
        if (fence.epoch(ClusterMessageIds.partition(clusterId)) == epoch)
        {
            signals.offer(kind, epoch, clusterId); // an older epoch's message is the new owner's business
        }
    }
}
