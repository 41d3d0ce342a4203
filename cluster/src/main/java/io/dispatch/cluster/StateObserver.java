package io.dispatch.cluster;

import com.lmax.disruptor.EventHandler;
import io.dispatch.OwnerState;
import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;

/**
 * Follows the messages fed from the cluster log through the engine, on the journal thread right after the journal
 * stage ({@code ClusterHooks#journaledObserver}): records each one the lanes may send ({@link LiveMessages}, for the
 * {@link OwnershipFence}) and tells the feeder when one is done, parked or dropped ({@link ProgressSignals}), so it
 * commits only past finished messages and marks the rest in the changelog ({@link StateChangelog}).
 * <p>
 * Done means: the provider accepted it (or it ended without a send: suppressed, capped, a duplicate, rejected, failed,
 * expired). From then on a new owner must not send it again.
 * <p>
 * It also keeps the owner's dedup keys and cap counters portable: each fed message accepted with an idempotency key
 * or with a send that counts against a cap goes to the feeder ({@link AcceptedEntries}) for the changelog; a copy the
 * fence drops unsent forgets its key; and what the feeder restored at an assignment is loaded here ({@link #load}),
 * on the thread that owns the dedup index and the caps, before the partition's first record.
 */
final class StateObserver implements EventHandler<DispatchEvent>
{
    private final LiveMessages live;
    private final OwnershipFence fence;
    private final ProgressSignals signals;
    private final AcceptedEntries entries;
    /** An empty key, then the address of a send decided after acceptance ({@link #offerLaterSend}). */
    private final byte[] laterSend = new byte[1 + 256];
    private volatile AcceptedPublisher publisher;
    private volatile OwnerState owner;
    /** Set by the feeder, run and cleared here at the next event that is not a message's ({@link #load}). */
    private volatile Runnable pendingLoad;
    private volatile long loads;

    StateObserver(final LiveMessages live, final OwnershipFence fence, final ProgressSignals signals,
        final AcceptedEntries entries)
    {
        this.live = live;
        this.fence = fence;
        this.signals = signals;
        this.entries = entries;
    }

    /** Set once the engine is up, before the feeder publishes anything. */
    void owner(final OwnerState owner)
    {
        this.owner = owner;
    }

    /**
     * Feeder thread: runs {@code load} on the journal thread at the next event no stage handles as a message (the
     * feeder publishes one: {@link AcceptedPublisher#nudge}). @return the count {@link #loads} reaches once it ran.
     */
    long load(final Runnable load)
    {
        final long target = loads + 1; // read first: the load may run before this returns
        pendingLoad = load;
        return target;
    }

    /** @return loads run so far (any thread). */
    long loads()
    {
        return loads;
    }

    /**
     * Journal thread, in a load: forgets the keys of the copies still held here from an earlier ownership of their
     * partition (a lane backlog, a deferral): the same records fed again in this ownership are not their duplicates.
     */
    void forgetStaleKeys()
    {
        live.forEachStale(fence, owner::forgetKey);
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
                    offerLaterSend(e);
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
                final Runnable load = pendingLoad;
                if (load != null)
                {
                    pendingLoad = null;
                    load.run();
                    loads = loads + 1; // the journal thread only writes it
                }
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
        else
        {
            offerEntry(e, clusterId);
            if (e.decision == Decision.SEND.code())
            {
                live.put(e.messageId, clusterId, partition, epoch, e.keyHash);
            }
            else if (e.decision == Decision.DEFER.code())
            {
                live.put(e.messageId, clusterId, partition, epoch, e.keyHash);
                signals.offer(ProgressSignals.PARKED, epoch, clusterId);
            }
            else
            {
                signals.offer(ProgressSignals.DONE, epoch, clusterId); // suppressed, capped: ended without a send
            }
        }
    }

    /**
     * An accepted message's key and cap-counted send, for the changelog: offered before any signal of the message, so
     * the feeder has written it before a commit passes the record.
     */
    private void offerEntry(final DispatchEvent e, final long clusterId)
    {
        final int flags = (e.keyHash != 0 ? AcceptedEntries.KEYED : 0) |
            (e.decision == Decision.SEND.code() && owner.countsForCaps(e.tenantId, e.kind, e.channel)
                ? AcceptedEntries.COUNTS_FOR_CAPS : 0) |
            (e.contentHash != 0 ? AcceptedEntries.CONTENT : 0);
        if (flags != 0)
        {
            final int keyAt = SubmitDescriptor.FIXED_LENGTH;
            entries.offer(clusterId, e.acceptedAtMs, e.tenantId, e.kind, e.channel, flags, e.body, keyAt,
                keyAt + 1 + (e.body[keyAt] & 0xFF), e.bodyLength);
        }
    }

    /**
     * A fed message decided SEND again after its acceptance (a deferred one released, a fallback on another channel),
     * with a cap on that send: its own changelog entry, so a new owner that skips the finished record still counts
     * it. The event carries no address: a fallback re-addressed to a phone has it in the event, any other is read
     * from the journal (one read per such decision, not per message).
     */
    private void offerLaterSend(final DispatchEvent e)
    {
        if (e.decision != Decision.SEND.code() || !owner.countsForCaps(e.tenantId, e.kind, e.channel))
        {
            return;
        }
        final int slot = live.find(e.messageId);
        if (slot < 0 || fence.epoch(ClusterMessageIds.partition(live.clusterId(slot))) != live.epoch(slot))
        {
            return; // not fed, or an earlier ownership's copy: the lanes drop it unsent
        }
        laterSend[0] = 0; // no key
        if (e.type == DispatchEvent.FALLBACK && e.readdressed)
        {
            System.arraycopy(e.fallbackAddress, 0, laterSend, 1, 1 + (e.fallbackAddress[0] & 0xFF));
        }
        else if (!owner.recipientOf(e.messageId, laterSend, 1))
        {
            return;
        }
        entries.offer(live.clusterId(slot), e.acceptedAtMs, e.tenantId, e.kind, e.channel,
            AcceptedEntries.COUNTS_FOR_CAPS | AcceptedEntries.LATER_SEND, laterSend, 0, 1, 0);
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
        if (state == DeliveryState.CANCELLED.code() && reason == Reason.OWNERSHIP_LOST.code())
        {
            if (live.keyHash(slot) != 0)
            {
                owner.forgetKey(live.keyHash(slot), id); // dropped unsent: the record's next copy is no duplicate
            }
            finish(slot, ProgressSignals.DROPPED); // the fence's, unsent
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
