package io.dispatch.journal;

import io.dispatch.config.FallbackSettings;
import io.dispatch.config.TenantRegistry;
import io.dispatch.policy.CapRules;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.status.StatusTable;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.BooleanSupplier;

/**
 * Rebuilds the engine's state from the journal before the ring starts: dedup keys within the horizon,
 * the status table, the messages still owed a dispatch (acked, neither provider-accepted nor terminal)
 * and those awaiting a receipt. Runs on the starting thread; single-threaded.
 */
public final class Recovery implements JournalReader.Visitor
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

    /** What the policies need back from the journal: sends for the frequency caps, consent for the directory. */
    public interface PolicySink
    {
        void sent(int tenantId, byte kind, byte channel, long recipientKey, long atMs);

        void consent(int tenantId, byte[] body);

        void content(long contentHash, long messageId, long atMs);

        /** A campaign's message: count it in its campaign's stats. @return the campaign's stats slot, 0 if none. */
        default int campaignMessage(long campaignId, byte channel, byte decision, short reason)
        {
            return 0;
        }

        /** @return whether a campaign may still publish messages (so its keys must be deduplicated). */
        default boolean campaignResumable(long campaignId)
        {
            return true;
        }

        /** A later state of a campaign's message. */
        default void campaignState(int campaignSlot, byte channel, byte state, short reason)
        {
        }

        /** A template version journaled at {@code index}, in journal order. */
        default void template(long index, byte[] id, byte[] text)
        {
        }

        /**
         * An inbound event journaled at {@code index}, in journal order ({@code io.dispatch.inbound.InboundBody};
         * the array is reused). Its consent change, if any, comes as the CONSENT record that follows it.
         */
        default void inbound(long index, int tenantId, long atMs, byte[] body, int bodyLength)
        {
        }

        /** An operator's runtime rate change, in journal order (the last one of a tenant and channel wins). */
        default void rate(int tenantId, byte channel, long perSecond, long burst, int reservedPercent, long atMs)
        {
        }

        /** An operator's runtime change of frequency caps, in journal order (the last one of a scope wins). */
        default void caps(int tenantId, byte kind, byte channel, CapRules rules, long atMs)
        {
        }

        /** An operator's runtime change of a lane's rate (a RATE record with no tenant), in journal order. */
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
    }

    private final DedupIndex dedup;
    private final StatusTable status;
    private final TenantRegistry tenants;
    private final long nowMs;
    private final long dedupHorizonMs;
    /** messageId → channel | kind << 8 | attempts << 16 | flags, for messages not yet handed off or ended. */
    private final Long2LongHashMap pending = new Long2LongHashMap(NONE);
    /** messageId → channel | kind << 8 | {@link #UNCERTAIN}, for messages the provider accepted without a receipt yet. */
    private final Long2LongHashMap awaiting = new Long2LongHashMap(NONE);
    /** messageId → time of its last PROVIDER_ACCEPTED record: the receipt wait started there, not at the restart. */
    private final Long2LongHashMap awaitingSinceMs = new Long2LongHashMap(NONE);
    private final LongHashSet unknownTenantIds = new LongHashSet();
    private final Long2ObjectHashMap<Deferred> deferred = new Long2ObjectHashMap<>();
    /** messageId → the channel byte, then the address (u8 length, bytes) its fallback there was re-addressed to. */
    private final Long2ObjectHashMap<byte[]> addresses = new Long2ObjectHashMap<>();
    private final PolicySink policy;
    private final long contentWindowMs;
    private long accepted;
    private long states;
    private long deadLetters;
    private Sink sink;

    public Recovery(
        final DedupIndex dedup, final StatusTable status, final TenantRegistry tenants, final long nowMs,
        final long dedupHorizonMs, final long contentWindowMs, final PolicySink policy)
    {
        this.contentWindowMs = contentWindowMs;
        this.policy = policy;
        this.dedup = dedup;
        this.status = status;
        this.tenants = tenants;
        this.nowMs = nowMs;
        this.dedupHorizonMs = dedupHorizonMs;
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
            records = from == null ? reader.scanFromStart(this, new AcceptedRecord())
                : reader.scan(this, new AcceptedRecord());
            if (from != null)
            {
                LOG.info("event=recovery_snapshot_loaded covered_index={} taken_at_ms={} load_ms={} tail_records={}",
                    from.coveredIndex(), from.takenAtMs(), (loadedNs - start) / 1_000_000, records);
            }
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
            + "deferred={} dead_letters={} dedup_keys={} took_ms={}", records, accepted, states, ids.length, waiting.length,
            held.length, deadLetters, dedup.size(), (System.nanoTime() - start) / 1_000_000);
        if (!unknownTenantIds.isEmpty())
        {
            LOG.warn("event=recovery_unknown_tenant messages={} (tenant no longer configured; still dispatched)",
                unknownTenantIds.size());
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
            final long read = from == null ? reader.scanFromStart(this, new AcceptedRecord(), stop)
                : reader.scan(this, new AcceptedRecord(), stop);
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
            out.writeBoolean(d.fallback);
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
        final Long2LongHashMap campaignSlots = SnapshotEffects.replay(in, policy, sink);
        dedup.readSnapshot(in);
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
            d.fallback = in.readBoolean();
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
    public void onAccepted(final long messageId, final AcceptedRecord r)
    {
        accepted++;
        final int tenantId = tenants.idOf(r.tenant());
        if (tenantId == 0)
        {
            unknownTenantIds.add(messageId);
        }
        // a campaign's keys matter only while it can still fan out again (it was interrupted)
        if (r.keyHash != 0 && r.acceptedAtMs + dedupHorizonMs > nowMs
            && (r.campaignId == 0 || policy.campaignResumable(r.campaignId)))
        {
            dedup.record(r.keyHash, messageId, r.acceptedAtMs);
        }
        status.insert(messageId, DeliveryState.ACCEPTED.code(), r.acceptedAtMs, r.channel, r.kind, tenantId, 0);
        if (r.campaignId != 0)
        {
            status.campaignSlot(status.find(messageId), policy.campaignMessage(r.campaignId, r.channel, r.decision,
                r.reason));
        }
        final int recipientAt = RecipientKeys.recipientAt(r.body);
        final long recipientKey = RecipientKeys.recipientKey(tenantId, r.body, recipientAt);
        if (contentWindowMs > 0 && r.acceptedAtMs + contentWindowMs > nowMs)
        {
            policy.content(RecipientKeys.contentKey(tenantId, r.channel, r.body, recipientAt, r.bodyLength), messageId,
                r.acceptedAtMs);
        }
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
            deferred.put(messageId, d);
            status.update(status.find(messageId), DeliveryState.DEFERRED.code(), (byte)0, r.reason, r.dueAtMs, (byte)0);
        }
        else if (r.decision == Decision.SUPPRESS.code())
        {
            status.update(status.find(messageId), DeliveryState.SUPPRESSED.code(), (byte)0, r.reason, r.acceptedAtMs, (byte)0);
        }
        else
        {
            policy.sent(tenantId, r.kind, r.channel, recipientKey, r.acceptedAtMs);
            pending.put(messageId, (r.channel & 0xFF) | (r.kind & 0xFF) << 8);
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
                if (!d.fallback)
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
    public void onAddress(final long messageId, final long atMs, final byte channel, final byte[] address)
    {
        final byte[] entry = new byte[2 + (address[0] & 0xFF)];
        entry[0] = channel;
        System.arraycopy(address, 0, entry, 1, entry.length - 1);
        addresses.put(messageId, entry);
    }

    @Override
    public void onConsent(final long atMs, final byte[] tenantName, final int tenantNameLength, final byte[] body,
        final int bodyLength)
    {
        final int tenantId = tenants.idOf(new String(tenantName, 0, tenantNameLength, StandardCharsets.UTF_8));
        if (tenantId != 0)
        {
            policy.consent(tenantId, body);
        }
    }

    @Override
    public void onInbound(final long index, final long atMs, final byte[] tenantName, final int tenantNameLength,
        final byte[] body, final int bodyLength)
    {
        final int tenantId = tenants.idOf(new String(tenantName, 0, tenantNameLength, StandardCharsets.UTF_8));
        if (tenantId != 0)
        {
            policy.inbound(index, tenantId, atMs, body, bodyLength);
        }
    }

    @Override
    public void onTemplate(final long index, final byte[] id, final byte[] text)
    {
        policy.template(index, id, text);
    }

    @Override
    public void onCaps(
        final long atMs, final byte[] tenantName, final int tenantNameLength, final byte kind, final byte channel,
        final String rules)
    {
        final int tenantId = tenants.idOf(new String(tenantName, 0, tenantNameLength, StandardCharsets.UTF_8));
        if (tenantId == 0 || kind < 0 || kind > 3 || channel < 0 || channel >= ChannelType.CODES)
        {
            return;
        }
        try
        {
            policy.caps(tenantId, kind, channel, capRules(rules), atMs);
        }
        catch (final RuntimeException ex)
        {
            // a rule this build cannot read (a newer engine's) is skipped rather than failing the start
            LOG.warn("event=caps_record_skipped tenant={} rules={} problem={}", tenantId, rules, ex.getMessage());
        }
    }

    /**
     * The rules of a CAPS record as the admin route took them: "none" (the scope's caps removed) is no COUNT/DURATION
     * rule, and skipping it would bring back, at the next start, the caps the operator removed.
     */
    static CapRules capRules(final String text)
    {
        return text.trim().equals("none") ? CapRules.NONE : CapRules.parse("journaled caps", text);
    }

    @Override
    public void onRate(
        final long atMs, final byte[] tenantName, final int tenantNameLength, final byte channel, final long perSecond,
        final long burst, final int reservedPercent)
    {
        if (tenantNameLength == 0)
        {
            policy.laneRate(channel, perSecond, burst, reservedPercent, atMs);
            return;
        }
        final int tenantId = tenants.idOf(new String(tenantName, 0, tenantNameLength, StandardCharsets.UTF_8));
        // a channel this build does not know (a newer engine's record) is skipped, not applied to the wrong bucket
        if (tenantId != 0 && channel >= 0 && channel <= io.dispatch.protocol.ChannelType.values().length)
        {
            policy.rate(tenantId, channel, perSecond, burst, reservedPercent, atMs);
        }
    }

    @Override
    public void onState(
        final long messageId, final byte state, final byte attempts, final byte channel, final short reason, final long atMs)
    {
        states++;
        final int slot = status.find(messageId);
        if (slot >= 0)
        {
            status.update(slot, state, attempts == 0 ? status.attempts(slot) : attempts, reason, atMs, channel);
            if (status.campaignSlot(slot) != 0)
            {
                policy.campaignState(status.campaignSlot(slot), status.channel(slot), state, reason);
            }
        }
        final DeliveryState s = DeliveryState.of(state);
        if (s == null)
        {
            return;
        }
        if (s == DeliveryState.FAILED || s == DeliveryState.EXPIRED || s == DeliveryState.REJECTED)
        {
            deadLetters++;
            sink.deadLetter(messageId, atMs, channel != 0 || slot < 0 ? channel : status.channel(slot),
                slot < 0 ? 0 : status.tenant(slot), state, reason, slot < 0 ? attempts & 0xFF : status.attempts(slot) & 0xFF,
                slot < 0 ? 0 : status.kind(slot));
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
                if (!d.fallback)
                {
                    policy.sent(d.tenantId, d.kind, d.channel, d.recipientKey, atMs);
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
