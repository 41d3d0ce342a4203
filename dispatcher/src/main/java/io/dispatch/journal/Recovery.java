package io.dispatch.journal;

import io.dispatch.config.FallbackSettings;
import io.dispatch.config.TenantRegistry;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.status.DedupState;
import io.dispatch.status.StatusState;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.BooleanSupplier;

/**
 * Rebuilds the engine's state from the journal before the ring starts. A {@link JournalReplayer} hands each record to
 * the state methods of its owners (dedup keys within the horizon, the status table, the policies, the campaigns); this
 * class folds what the lanes and the scheduler are owed: the messages still owed a dispatch (acked, neither
 * provider-accepted nor terminal), those awaiting a receipt, those deferred, and the dead letters. It loads and writes
 * snapshots of all of it. Runs on the starting thread (or the snapshot thread, for a fold); single-threaded.
 */
public final class Recovery implements JournalReplayer.OpenMessages
{
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final long NONE = -1;
    private static final long ATTEMPTS = 0xFFL << 16;
    /** An attempt on the message's current channel may have reached the recipient. */
    private static final long UNCERTAIN = 1L << 32;
    /** The last attempt was DISPATCHED with no outcome journaled yet: if the scan ends so, it is uncertain. */
    private static final long OPEN_ATTEMPT = 1L << 33;

    /** Receives the outcome of the scan. */
    public interface Sink
    {
        /**
         * A message still owed a dispatch on {@code channel}.
         *
         * @param uncertain an attempt on that channel may have reached the recipient (it timed out, its answer was
         *                  unreadable, or its outcome died with the process): the message must not fall back.
         */
        void pending(long messageId, byte channel, byte kind, int attempts, boolean uncertain);

        /**
         * A message the provider accepted, still owed its receipt; called in order of {@code providerAcceptedAtMs},
         * so the receipt deadline stays the one the engine set before the restart (acceptance + receipt timeout).
         *
         * @param kind      the message's kind code, 0 when the journal no longer shows it.
         * @param uncertain an earlier attempt may have reached the recipient: a failed receipt must not fall back.
         */
        void awaitingReceipt(long messageId, byte channel, byte kind, long providerAcceptedAtMs, boolean uncertain);

        /** A message still deferred (send-at, night window, rate limit): hand it back to the scheduler. */
        void deferred(long messageId, long dueAtMs, long recipientKey, long deadlineMs, int tenantId, byte kind,
            byte channel, boolean prepaid, int consentOverride, long campaignId);

        /**
         * A message that ended without success (FAILED, EXPIRED, REJECTED): a dead letter, in journal order, so the
         * lanes' bounded lists of recent dead letters come back after a restart.
         *
         * @param tenantId 0 when the tenant is no longer configured or the ACCEPTED record was not read.
         * @param kind     the message's kind code, 0 when unknown.
         */
        default void deadLetter(long messageId, long atMs, byte channel, int tenantId, byte state, short reason,
            int attempts, byte kind)
        {
        }
    }

    /**
     * Every owner of a replay in one object ({@link JournalReplayer.Targets#of}): a test's recorder, or the snapshot
     * fold's {@link SnapshotEffects}, which records the calls to make them again at the next start.
     */
    public interface PolicySink extends PolicyState, CampaignState, JournalReplayer.ContentState,
        JournalReplayer.TemplateState, JournalReplayer.InboundState, JournalReplayer.LaneRateState
    {
        @Override
        default void template(long index, byte[] id, byte[] text)
        {
        }

        @Override
        default void inbound(long index, int tenantId, long atMs, byte[] body, int bodyLength)
        {
        }

        @Override
        default void laneRate(byte channel, long perSecond, long burst, int reservedPercent, long atMs)
        {
        }
    }

    /** A deferred message as the scan last saw it. */
    private static final class Deferred
    {
        long dueAtMs;
        long recipientKey;
        long deadlineMs;
        int tenantId;
        byte kind;
        byte channel;
        boolean prepaid;
        int consentOverride;
        long campaignId;
        /** Deferred by the policy stage as a fallback: the rest is read from its ACCEPTED record after the scan. */
        boolean fallback;
        /** Fed from the cluster log: its release's cap send is in its partition's changelog, not counted here. */
        boolean fed;
    }

    private final DedupState dedup;
    private boolean campaignKeysOnly;
    private final StatusState status;
    private final TenantRegistry tenants;
    private final long nowMs;
    /** messageId → channel | kind << 8 | attempts << 16 | flags, for messages not yet handed off or ended. */
    private final Long2LongHashMap pending = new Long2LongHashMap(NONE);
    /** messageId → channel | kind << 8 | {@link #UNCERTAIN}, for messages the provider accepted without a receipt yet. */
    private final Long2LongHashMap awaiting = new Long2LongHashMap(NONE);
    /** messageId → time of its last PROVIDER_ACCEPTED record: the receipt wait started there, not at the restart. */
    private final Long2LongHashMap awaitingSinceMs = new Long2LongHashMap(NONE);
    private final Long2ObjectHashMap<Deferred> deferred = new Long2ObjectHashMap<>();
    /** messageId → the channel byte, then the address (u8 length, bytes) its fallback there was re-addressed to. */
    private final Long2ObjectHashMap<byte[]> addresses = new Long2ObjectHashMap<>();
    private final JournalReplayer.Targets targets;
    private final JournalReplayer replayer;
    private Sink sink;
    private SourceIds sourceIds;

    /** Cluster mode: told the cluster id of each open message fed from the cluster log (docs/design/cluster.md). */
    @FunctionalInterface
    public interface SourceIds
    {
        /** @param sourceId the id the message was accepted under elsewhere (its ACCEPTED record's, never 0). */
        void recovered(long messageId, long sourceId);
    }

    /**
     * Before {@link #run}: the open messages (owed a send, awaiting a receipt, deferred) that carry a source id are
     * handed to {@code sourceIds} before any goes to the sink. Their ACCEPTED records are read again for it, so a
     * start from a snapshot (which keeps no source ids) finds them too; only open messages can change later.
     */
    public Recovery sourceIds(final SourceIds sourceIds)
    {
        this.sourceIds = sourceIds;
        return this;
    }

    /** @param policy every owner but the dedup index and the status table, in one object. */
    public Recovery(
        final DedupState dedup, final StatusState status, final TenantRegistry tenants, final long nowMs,
        final long dedupHorizonMs, final long contentWindowMs, final PolicySink policy)
    {
        this(dedup, status, tenants, nowMs, dedupHorizonMs, contentWindowMs, JournalReplayer.Targets.of(policy));
    }

    /**
     * @param dedup   the idempotency keys the journal stage will use.
     * @param status  the status table the status stage will use.
     * @param targets the other owners the records are replayed into.
     */
    public Recovery(
        final DedupState dedup, final StatusState status, final TenantRegistry tenants, final long nowMs,
        final long dedupHorizonMs, final long contentWindowMs, final JournalReplayer.Targets targets)
    {
        this.targets = targets;
        this.dedup = dedup;
        this.status = status;
        this.tenants = tenants;
        this.nowMs = nowMs;
        this.replayer = new JournalReplayer(tenants, nowMs, dedupHorizonMs, contentWindowMs, dedup, status, targets, this);
    }

    /**
     * Cluster mode: the idempotency keys of messages fed from the cluster log (every message not a campaign's) are not
     * loaded: their partitions' owners hold them in the changelog, and this node's own copy of such a key would make
     * the same record, fed again after a restart, a duplicate of itself (docs/design/cluster.md). A snapshot's keys
     * carry no campaign, so none is loaded from one.
     */
    public Recovery campaignKeysOnly(final boolean only)
    {
        if (only)
        {
            replayer.campaignKeysOnly();
            campaignKeysOnly = true;
        }
        return this;
    }

    public void run(final Journal journal, final Sink sink)
    {
        run(journal, sink, null);
    }

    /**
     * Loads the newest usable snapshot of {@code snapshots} (none: from the start of the journal), replays the journal
     * after it, then hands what is owed to {@code sink}.
     *
     * @return the snapshot it started from, null for a full scan.
     */
    public SnapshotStore.Snapshot run(final Journal journal, final Sink sink, final SnapshotStore snapshots)
    {
        final long start = System.nanoTime();
        final long records;
        final SnapshotStore.Snapshot from;
        this.sink = sink;
        try (JournalReader reader = journal.newReader())
        {
            from = snapshots == null ? null : load(snapshots, reader);
            if (from == null && snapshots != null)
            {
                requireNothingRetained(snapshots);
            }
            final long loadedNs = System.nanoTime();
            records = from == null ? reader.scanFromStart(replayer, new AcceptedRecord())
                : reader.scan(replayer, new AcceptedRecord());
            if (from != null)
            {
                LOG.info("event=recovery_snapshot_loaded covered_index={} taken_at_ms={} load_ms={} tail_records={}",
                    from.coveredIndex(), from.takenAtMs(), (loadedNs - start) / 1_000_000, records);
            }
        }
        if (sourceIds != null)
        {
            handSourceIds(journal);
        }
        final long[] ids = pending.keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(ids);
        for (final long id : ids)
        {
            final long v = pending.get(id);
            readdressed(journal, id, (byte)(v & 0xFF));
            sink.pending(id, (byte)(v & 0xFF), (byte)((v >> 8) & 0xFF), (int)((v & ATTEMPTS) >> 16),
                (v & (UNCERTAIN | OPEN_ATTEMPT)) != 0);
        }
        // the lanes keep receipt deadlines in a FIFO: hand them over oldest acceptance first
        final long[] waiting = awaiting.keySet().stream()
            .sorted(Comparator.comparingLong((Long id) -> awaitingSinceMs.get(id.longValue())).thenComparingLong(Long::longValue))
            .mapToLong(Long::longValue).toArray();
        for (final long id : waiting)
        {
            final long v = awaiting.get(id);
            sink.awaitingReceipt(id, (byte)(v & 0xFF), (byte)((v >> 8) & 0xFF), awaitingSinceMs.get(id),
                (v & UNCERTAIN) != 0);
        }
        final long[] held = deferred.keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(held);
        fillFallbacks(journal, held);
        for (final long id : held)
        {
            final Deferred d = deferred.get(id);
            sink.deferred(id, d.dueAtMs, d.recipientKey, d.deadlineMs, d.tenantId, d.kind, d.channel, d.prepaid,
                d.consentOverride, d.campaignId);
        }
        LOG.info("event=recovery_done records={} accepted={} state_changes={} redispatch={} awaiting_receipt={} "
            + "deferred={} dead_letters={} dedup_keys={} took_ms={}", records, replayer.accepted(), replayer.states(),
            ids.length, waiting.length, held.length, replayer.deadLetters(), dedup.size(),
            (System.nanoTime() - start) / 1_000_000);
        if (replayer.unknownTenantMessages() > 0)
        {
            LOG.warn("event=recovery_unknown_tenant messages={} (tenant no longer configured; still dispatched)",
                replayer.unknownTenantMessages());
        }
        return from;
    }

    /** A full scan after retention deleted cycles would lose what they said: refuse it, naming the way out. */
    private static void requireNothingRetained(final SnapshotStore snapshots)
    {
        if (java.nio.file.Files.exists(snapshots.retainedMarker()))
        {
            throw new IllegalStateException("journal: retention deleted old cycles and no snapshot in "
                + snapshots.dir() + " is usable, so the consent updates (opt-outs), rate changes and template "
                + "versions of those cycles would be lost. Restore the snapshots dir from a backup; or, to start "
                + "from what the journal still holds and accept that loss, delete " + snapshots.retainedMarker());
        }
    }

    /** @return the snapshot loaded, the reader positioned after it; null when none is usable. */
    private SnapshotStore.Snapshot load(final SnapshotStore store, final JournalReader reader)
    {
        for (final SnapshotStore.Snapshot s : store.list())
        {
            if (!SnapshotStore.verify(s))
            {
                LOG.warn("event=snapshot_corrupt file={} (checksum mismatch: falling back to an older snapshot or a full "
                    + "scan)", s.file());
                continue;
            }
            if (!reader.positionAfter(s.coveredIndex()))
            {
                LOG.warn("event=snapshot_not_in_journal file={} covered_index={} (the journal no longer holds the "
                    + "document it ends at: falling back)", s.file(), s.coveredIndex());
                continue;
            }
            try
            {
                final DataInput in = SnapshotStore.openBody(s);
                try
                {
                    readSnapshot(in);
                }
                finally
                {
                    if (in instanceof java.io.Closeable closeable)
                    {
                        closeable.close();
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("snapshot " + s.file() + " passed its checksum but does not read ("
                    + ex + "): move it out of " + store.dir() + " and start again to recover from the journal", ex);
            }
            return s;
        }
        return null;
    }

    /**
     * Folds the newest snapshot and the journal after it into this recovery's own holders, handing nothing to lanes or
     * the scheduler: the snapshot thread's half of {@link #run}.
     *
     * @return the index of the last document folded, -1 for an empty journal, -2 when {@code stop} interrupted it.
     */
    long fold(final Journal journal, final SnapshotStore snapshots, final Sink sink, final BooleanSupplier stop)
    {
        this.sink = sink;
        try (JournalReader reader = journal.newReader())
        {
            final SnapshotStore.Snapshot from = load(snapshots, reader);
            if (from == null)
            {
                requireNothingRetained(snapshots); // a snapshot of what is left would hide the loss from the next start
            }
            final long read = from == null ? reader.scanFromStart(replayer, new AcceptedRecord(), stop)
                : reader.scan(replayer, new AcceptedRecord(), stop);
            if (read < 0)
            {
                return -2;
            }
            return read > 0 ? reader.lastIndex() : from == null ? -1 : from.coveredIndex();
        }
    }

    /**
     * Writes this recovery's state for a snapshot: the recorded effects, dedup keys, status table, then the messages
     * still owed a dispatch, awaiting a receipt or deferred, and the addresses their fallbacks were re-addressed to.
     * Read back by {@link #readSnapshot}, in that order.
     */
    void writeSnapshot(final DataOutput out, final SnapshotEffects effects) throws IOException
    {
        effects.write(out, nowMs);
        dedup.writeSnapshot(out, nowMs);
        status.writeSnapshot(out, effects::campaignIdOfSlot);
        out.writeInt(pending.size());
        for (final Long2LongHashMap.EntryIterator it = pending.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            out.writeLong(it.getLongKey());
            out.writeLong(it.getLongValue());
        }
        out.writeInt(awaiting.size());
        for (final Long2LongHashMap.EntryIterator it = awaiting.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            out.writeLong(it.getLongKey());
            out.writeLong(it.getLongValue());
            out.writeLong(awaitingSinceMs.get(it.getLongKey()));
        }
        out.writeInt(deferred.size());
        for (final Long2ObjectHashMap<Deferred>.EntryIterator it = deferred.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            final Deferred d = it.getValue();
            out.writeLong(it.getLongKey());
            out.writeLong(d.dueAtMs);
            out.writeLong(d.recipientKey);
            out.writeLong(d.deadlineMs);
            out.writeInt(d.tenantId);
            out.writeByte(d.kind);
            out.writeByte(d.channel);
            out.writeBoolean(d.prepaid);
            out.writeInt(d.consentOverride);
            out.writeLong(d.campaignId);
            out.writeByte((d.fallback ? 1 : 0) | (d.fed ? 2 : 0)); // an older snapshot's boolean reads the same
        }
        // re-addressed fallbacks of open messages: their ADDRESS records may be in cycles retention deletes
        out.writeInt(addresses.size());
        for (final Long2ObjectHashMap<byte[]>.EntryIterator it = addresses.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            out.writeLong(it.getLongKey());
            out.writeShort(it.getValue().length);
            out.write(it.getValue());
        }
    }

    /** Loads a snapshot through the holders' own methods and the policy and lane sinks, as the scan would have. */
    void readSnapshot(final DataInput in) throws IOException
    {
        final Long2LongHashMap campaignSlots = SnapshotEffects.replay(in, targets, sink);
        (campaignKeysOnly ? new io.dispatch.policy.DedupIndex(0) : dedup).readSnapshot(in);
        status.readSnapshot(in, campaignId -> (int)campaignSlots.get(campaignId));
        for (int i = 0, n = in.readInt(); i < n; i++)
        {
            pending.put(in.readLong(), in.readLong());
        }
        for (int i = 0, n = in.readInt(); i < n; i++)
        {
            final long id = in.readLong();
            awaiting.put(id, in.readLong());
            awaitingSinceMs.put(id, in.readLong());
        }
        for (int i = 0, n = in.readInt(); i < n; i++)
        {
            final long id = in.readLong();
            final Deferred d = new Deferred();
            d.dueAtMs = in.readLong();
            d.recipientKey = in.readLong();
            d.deadlineMs = in.readLong();
            d.tenantId = in.readInt();
            d.kind = in.readByte();
            d.channel = in.readByte();
            d.prepaid = in.readBoolean();
            d.consentOverride = in.readInt();
            d.campaignId = in.readLong();
            final int flags = in.readByte();
            d.fallback = (flags & 1) != 0;
            d.fed = (flags & 2) != 0;
            deferred.put(id, d);
        }
        for (int i = 0, n = in.readInt(); i < n; i++)
        {
            final long id = in.readLong();
            final byte[] entry = new byte[in.readUnsignedShort()];
            in.readFully(entry);
            addresses.put(id, entry);
        }
    }

    /** @return the lowest id of a message still open (owed a dispatch, a receipt, or deferred), else Long.MAX_VALUE. */
    long lowestOpenId()
    {
        long low = Long.MAX_VALUE;
        for (final Long2LongHashMap.KeyIterator it = pending.keySet().iterator(); it.hasNext(); )
        {
            low = Math.min(low, it.nextValue());
        }
        for (final Long2LongHashMap.KeyIterator it = awaiting.keySet().iterator(); it.hasNext(); )
        {
            low = Math.min(low, it.nextValue());
        }
        for (final Long2ObjectHashMap<Deferred>.KeyIterator it = deferred.keySet().iterator(); it.hasNext(); )
        {
            low = Math.min(low, it.nextLong());
        }
        return low;
    }

    @Override
    public void accepted(final long messageId, final AcceptedRecord r, final int tenantId, final long recipientKey)
    {
        if (r.decision == Decision.DEFER.code())
        {
            final Deferred d = new Deferred();
            d.dueAtMs = r.dueAtMs;
            d.recipientKey = recipientKey;
            d.deadlineMs = r.acceptedAtMs + r.ttlSeconds * 1000L;
            d.tenantId = tenantId;
            d.kind = r.kind;
            d.channel = r.channel;
            d.prepaid = r.prepaid;
            d.consentOverride = r.consentOverride;
            d.campaignId = r.campaignId;
            d.fed = r.sourceId != 0;
            deferred.put(messageId, d);
        }
        else if (r.decision != Decision.SUPPRESS.code())
        {
            pending.put(messageId, (r.channel & 0xFF) | (r.kind & 0xFF) << 8);
        }
    }

    @Override
    public void deadLetter(final long messageId, final long atMs, final byte channel, final int tenantId,
        final byte state, final short reason, final int attempts, final byte kind)
    {
        sink.deadLetter(messageId, atMs, channel, tenantId, state, reason, attempts, kind);
    }

    private void handSourceIds(final Journal journal)
    {
        final long[] open = java.util.stream.LongStream.concat(java.util.stream.LongStream.concat(
            pending.keySet().stream().mapToLong(Long::longValue), awaiting.keySet().stream().mapToLong(Long::longValue)),
            deferred.keySet().stream().mapToLong(Long::longValue)).sorted().distinct().toArray();
        final AcceptedRecord r = new AcceptedRecord();
        try (JournalReader reader = journal.newReader())
        {
            for (final long id : open)
            {
                if (reader.readAccepted(id, r) && r.sourceId != 0)
                {
                    sourceIds.recovered(id, r.sourceId);
                }
            }
        }
    }

    /** Completes the fallbacks still deferred from their ACCEPTED records, as the policy stage decided them. */
    private void fillFallbacks(final Journal journal, final long[] held)
    {
        AcceptedRecord r = null;
        try (JournalReader reader = journal.newReader())
        {
            for (final long id : held)
            {
                final Deferred d = deferred.get(id);
                if (!d.fallback && !d.fed)
                {
                    continue;
                }
                r = r == null ? new AcceptedRecord() : r;
                if (reader.readAccepted(id, r))
                {
                    d.tenantId = tenants.idOf(r.tenant());
                    final byte[] address = readdressed(journal, id, d.channel);
                    // the policy stage decides its release by the address it goes to, as it decided the deferral
                    d.recipientKey = address != null ? RecipientKeys.recipientKey(d.tenantId, address, 0) :
                        RecipientKeys.recipientKey(d.tenantId, r.body, RecipientKeys.recipientAt(r.body));
                    d.deadlineMs = r.acceptedAtMs + r.ttlSeconds * 1000L;
                    d.campaignId = r.campaignId;
                    d.fed = r.sourceId != 0;
                }
            }
        }
    }

    /**
     * A message still owed on {@code channel} whose fallback there was re-addressed: the lane sends it to that address.
     *
     * @return the address (u8 length, bytes), null when the message is at its ACCEPTED record's recipient there.
     */
    private byte[] readdressed(final Journal journal, final long messageId, final byte channel)
    {
        final byte[] entry = addresses.get(messageId);
        if (entry == null || entry[0] != channel)
        {
            return null;
        }
        final byte[] address = Arrays.copyOfRange(entry, 1, entry.length);
        journal.fallbackAddresses().put(messageId, address);
        return address;
    }

    @Override
    public void address(final long messageId, final byte channel, final byte[] address)
    {
        final byte[] entry = new byte[2 + (address[0] & 0xFF)];
        entry[0] = channel;
        System.arraycopy(address, 0, entry, 1, entry.length - 1);
        addresses.put(messageId, entry);
    }

    @Override
    public void state(
        final long messageId, final byte state, final byte attempts, final byte channel, final short reason, final long atMs)
    {
        final DeliveryState s = DeliveryState.of(state);
        if (s == null)
        {
            return;
        }
        if (s == DeliveryState.DEFERRED && !deferred.containsKey(messageId))
        {
            deferFallback(messageId, channel, atMs);
            return;
        }
        final Deferred d = deferred.get(messageId);
        if (d != null)
        {
            if (s == DeliveryState.DEFERRED)
            {
                d.dueAtMs = atMs;
                return;
            }
            deferred.remove(messageId);
            if (!s.isTerminal())
            {
                // released and handed to its lane before the restart: a send, and still owed a dispatch
                if (!d.fallback && !d.fed)
                {
                    targets.policy().sent(d.tenantId, d.kind, d.channel, d.recipientKey, atMs);
                }
                pending.put(messageId, (d.channel & 0xFF) | (d.kind & 0xFF) << 8);
            }
        }
        if (s.isTerminal())
        {
            addresses.remove(messageId);
            pending.remove(messageId);
            awaiting.remove(messageId);
            awaitingSinceMs.remove(messageId);
        }
        else if (s == DeliveryState.PROVIDER_ACCEPTED)
        {
            final long v = pending.remove(messageId);
            // this attempt's outcome is known; an earlier one that timed out may still have reached the recipient
            awaiting.put(messageId, (channel & 0xFF) | (v == NONE ? 0 : v & (0xFF00 | UNCERTAIN)));
            awaitingSinceMs.put(messageId, atMs);
        }
        else
        {
            final long a = awaiting.get(messageId);
            if (a != NONE && channel != 0 && channel != (byte)(a & 0xFF))
            {
                // a failed receipt made the lane fall the message back to another channel: owed there
                awaiting.remove(messageId);
                awaitingSinceMs.remove(messageId);
                pending.put(messageId, (channel & 0xFF) | (a & 0xFF00));
                return;
            }
            final long v = pending.get(messageId);
            if (v != NONE && channel != 0 && channel != (byte)(v & 0xFF))
            {
                // a lane fell the message back to another channel: it is owed there, with a fresh budget
                pending.put(messageId, (channel & 0xFF) | (v & 0xFF00));
            }
            else if (v != NONE)
            {
                long next = attempts > 0 ? (v & ~ATTEMPTS) | (long)(attempts & 0xFF) << 16 : v;
                // an attempt whose outcome is not journaled, or that timed out, may have reached the recipient
                next = s == DeliveryState.DISPATCHED ? next | OPEN_ATTEMPT : next & ~OPEN_ATTEMPT;
                if (s == DeliveryState.RETRYING && FallbackSettings.mayHaveReached(Reason.of(reason)))
                {
                    next |= UNCERTAIN;
                }
                pending.put(messageId, next);
            }
        }
    }

    /**
     * A DEFERRED state of a message sent before: the policy stage deferred its fallback on the new channel (night
     * window, rate limit). It waits for the scheduler there, not for a lane.
     */
    private void deferFallback(final long messageId, final byte channel, final long dueAtMs)
    {
        final long v = pending.remove(messageId);
        final long a = awaiting.remove(messageId);
        awaitingSinceMs.remove(messageId);
        final long was = v != NONE ? v : a;
        if (was == NONE)
        {
            return; // not a message this scan knows to be open
        }
        final Deferred d = new Deferred();
        d.dueAtMs = dueAtMs;
        d.kind = (byte)((was >> 8) & 0xFF);
        d.channel = channel;
        d.consentOverride = -1;
        d.fallback = true;
        deferred.put(messageId, d);
    }
}
