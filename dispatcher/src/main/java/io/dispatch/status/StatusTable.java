package io.dispatch.status;

import io.dispatch.status.StatusState;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntToLongFunction;
import java.util.function.LongToIntFunction;

/**
 * Latest state of recent messages, for STATUS queries and receipt routing. Direct-mapped: a message id
 * is a journal index, increasing and nearly dense, so its low bits pick the slot and no hash map is
 * needed (one array access per lookup instead of a probe into a table of millions of entries). A newer
 * message evicts the one in its slot; the table holds at least the last {@code capacity / 2} messages
 * of the current journal cycle when state records take as many indexes as messages.
 * <p>
 * <p>
 * Its {@link StatusState} methods are what the journal's records change: the status stage calls them live, the
 * journal's replayer at a start, so the table is built one way.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the status stage thread (and recovery before it starts).
 */
public final class StatusTable implements StatusState
{
    private final int mask;
    private final long[] ids;
    private final byte[] states;
    private final byte[] attempts;
    private final short[] reasons;
    private final long[] updatedAt;
    private final byte[] channels;
    private final byte[] kinds;
    private final short[] tenants;
    private final int[] sessionRefs;
    private final int[] campaignSlots;
    /**
     * The end-to-end clock of each message ({@link EndToEndLatency}), epoch ms: its acceptance, or the due time of its
     * latest deferral; negated once its hand-off to a provider is timed, 0 once its delivery is. One long per slot
     * holds all three, so the table grows by 8 bytes a message.
     */
    private final long[] e2eStarts;
    private long newestId = Long.MIN_VALUE;
    /** The first message id the table held (recovery replays the journal from its start): older ids never existed. */
    private long oldestId = Long.MAX_VALUE;
    /** Every message id from here on is still in the table: one past the newest id an insert overwrote. */
    private long coveredFrom = Long.MIN_VALUE;
    private int size;

    public StatusTable(final int capacity)
    {
        final int n = Integer.highestOneBit(capacity - 1) << 1;
        mask = n - 1;
        ids = new long[n];
        java.util.Arrays.fill(ids, -1L);
        states = new byte[n];
        attempts = new byte[n];
        reasons = new short[n];
        updatedAt = new long[n];
        channels = new byte[n];
        kinds = new byte[n];
        tenants = new short[n];
        sessionRefs = new int[n];
        campaignSlots = new int[n];
        e2eStarts = new long[n];
    }

    /**
     * Empties the table for another fold: the snapshotter keeps one table (about 40 bytes a slot, 84 MB at the default
     * capacity) rather than allocate a new one, in humongous G1 regions, for every snapshot. {@link #insert} writes
     * every column of its slot, so marking the ids empty is enough.
     */
    public void clear()
    {
        java.util.Arrays.fill(ids, -1L);
        newestId = Long.MIN_VALUE;
        oldestId = Long.MAX_VALUE;
        coveredFrom = Long.MIN_VALUE;
        size = 0;
    }

    /** Records a newly accepted message. Ids arrive in increasing order. */
    public void insert(
        final long messageId, final byte state, final long atMs, final byte channel, final byte kind, final int tenantId,
        final int sessionRef)
    {
        final int slot = (int)(messageId & mask);
        final long occupant = ids[slot];
        if (occupant == -1L)
        {
            size++;
        }
        else if (occupant != messageId)
        {
            coveredFrom = Math.max(coveredFrom, occupant + 1);
        }
        ids[slot] = messageId;
        states[slot] = state;
        attempts[slot] = 0;
        reasons[slot] = 0;
        updatedAt[slot] = atMs;
        channels[slot] = channel;
        kinds[slot] = kind;
        tenants[slot] = (short)tenantId;
        sessionRefs[slot] = sessionRef;
        campaignSlots[slot] = 0;
        e2eStarts[slot] = atMs;
        newestId = Math.max(newestId, messageId);
        oldestId = Math.min(oldestId, messageId);
    }

    @Override
    public int onAccepted(
        final long messageId, final long acceptedAtMs, final byte channel, final byte kind, final int tenantId,
        final int sessionRef, final int campaignSlot, final byte decision, final short reason, final long dueAtMs)
    {
        insert(messageId, DeliveryState.ACCEPTED.code(), acceptedAtMs, channel, kind, tenantId, sessionRef);
        final int slot = (int)(messageId & mask);
        campaignSlots[slot] = campaignSlot;
        // decided at acceptance: the ACCEPTED record is the change's only record
        if (decision == Decision.DEFER.code())
        {
            update(slot, DeliveryState.DEFERRED.code(), (byte)0, reason, dueAtMs, (byte)0);
        }
        else if (decision == Decision.SUPPRESS.code())
        {
            update(slot, DeliveryState.SUPPRESSED.code(), (byte)0, reason, acceptedAtMs, (byte)0);
        }
        return slot;
    }

    @Override
    public void onState(
        final int slot, final byte state, final byte reportedAttempts, final short reason, final long atMs,
        final byte channel)
    {
        update(slot, state, reportedAttempts == 0 ? attempts[slot] : reportedAttempts, reason, atMs, channel);
    }

    /** @return the slot of {@code messageId}, or -1 when unknown or evicted. */
    @Override
    public int find(final long messageId)
    {
        final int slot = (int)(messageId & mask);
        return ids[slot] == messageId ? slot : -1;
    }

    /**
     * @param channel the channel the change happened on (a fallback's record names the new one), or 0
     *                to keep the one recorded.
     */
    public void update(
        final int slot, final byte state, final byte attemptCount, final short reason, final long atMs, final byte channel)
    {
        if (channel != 0)
        {
            channels[slot] = channel;
        }
        states[slot] = state;
        attempts[slot] = attemptCount;
        reasons[slot] = reason;
        updatedAt[slot] = atMs;
        advanceE2eClock(slot, state, atMs);
    }

    /** Here, not in the status stage, so that recovery replaying the journal leaves each clock as it was. */
    private void advanceE2eClock(final int slot, final byte state, final long atMs)
    {
        final long start = e2eStarts[slot];
        if (start == 0)
        {
            return;
        }
        if (state == DeliveryState.DEFERRED.code())
        {
            // the wait until the due time was asked for: the clock restarts there (atMs is the due time)
            e2eStarts[slot] = start < 0 ? -atMs : atMs;
        }
        else if (state == DeliveryState.PROVIDER_ACCEPTED.code())
        {
            e2eStarts[slot] = -Math.abs(start);
        }
        else if (state == DeliveryState.DELIVERED.code())
        {
            e2eStarts[slot] = 0;
        }
    }

    /**
     * For an id {@link #find} does not know. Every message from one past the newest overwritten id on is still
     * here, and ids before the first message or after the newest never named one: those are unknown. Only an id in
     * between may have been a message since evicted (the table cannot tell which journal indexes were messages).
     *
     * @return true when {@code messageId} is older than what the table covers but not older than the journal.
     */
    public boolean wasEvicted(final long messageId)
    {
        return messageId >= oldestId && messageId < coveredFrom;
    }

    /**
     * Writes every occupied slot and the coverage bounds, for a journal snapshot. Only by the table's owner (a
     * snapshot folds the journal into a table of its own).
     *
     * @param campaignIdOfSlot the campaign id behind a campaign stats slot (slots are numbered per process).
     */
    @Override
    public void writeSnapshot(final DataOutput out, final IntToLongFunction campaignIdOfSlot) throws IOException
    {
        out.writeLong(newestId);
        out.writeLong(oldestId);
        out.writeLong(coveredFrom);
        out.writeInt(size);
        for (int slot = 0; slot <= mask; slot++)
        {
            if (ids[slot] == -1L)
            {
                continue;
            }
            out.writeLong(ids[slot]);
            out.writeByte(states[slot]);
            out.writeByte(attempts[slot]);
            out.writeShort(reasons[slot]);
            out.writeLong(updatedAt[slot]);
            out.writeByte(channels[slot]);
            out.writeByte(kinds[slot]);
            out.writeShort(tenants[slot]);
            out.writeLong(campaignSlots[slot] == 0 ? 0 : campaignIdOfSlot.applyAsLong(campaignSlots[slot]));
            out.writeLong(e2eStarts[slot]);
        }
    }

    /**
     * Loads what {@link #writeSnapshot} wrote into this (empty) table. A table smaller than the one written keeps
     * the newer message of two that share a slot, as inserts in id order would.
     *
     * @param slotOfCampaign this process's stats slot for a campaign id, 0 for none.
     */
    @Override
    public void readSnapshot(final DataInput in, final LongToIntFunction slotOfCampaign) throws IOException
    {
        final long newest = in.readLong();
        final long oldest = in.readLong();
        final long covered = in.readLong();
        final int n = in.readInt();
        for (int i = 0; i < n; i++)
        {
            final long id = in.readLong();
            final byte state = in.readByte();
            final byte attemptCount = in.readByte();
            final short reason = in.readShort();
            final long atMs = in.readLong();
            final byte channel = in.readByte();
            final byte kind = in.readByte();
            final short tenant = in.readShort();
            final long campaignId = in.readLong();
            final long e2eStart = in.readLong();
            final int slot = (int)(id & mask);
            if (ids[slot] > id)
            {
                coveredFrom = Math.max(coveredFrom, id + 1);
                continue;
            }
            insert(id, state, atMs, channel, kind, tenant, 0);
            attempts[slot] = attemptCount;
            reasons[slot] = reason;
            campaignSlots[slot] = campaignId == 0 ? 0 : slotOfCampaign.applyAsInt(campaignId);
            e2eStarts[slot] = e2eStart;
        }
        newestId = Math.max(newestId, newest);
        oldestId = Math.min(oldestId, oldest);
        coveredFrom = Math.max(coveredFrom, covered);
    }

    public byte state(final int slot) { return states[slot]; }
    @Override
    public byte attempts(final int slot) { return attempts[slot]; }
    public short reason(final int slot) { return reasons[slot]; }
    public long updatedAt(final int slot) { return updatedAt[slot]; }
    @Override
    public byte channel(final int slot) { return channels[slot]; }
    @Override
    public byte kind(final int slot) { return kinds[slot]; }
    @Override
    public int tenant(final int slot) { return tenants[slot]; }
    public int sessionRef(final int slot) { return sessionRefs[slot]; }
    /** The stats slot of the campaign the message belongs to, 0 for none. */
    @Override
    public int campaignSlot(final int slot) { return campaignSlots[slot]; }
    public void campaignSlot(final int slot, final int campaignSlot) { campaignSlots[slot] = campaignSlot; }
    /** @return the end-to-end clock's start in epoch ms (acceptance, or a deferral's due time), 0 once delivered. */
    public long e2eStartMs(final int slot) { return Math.abs(e2eStarts[slot]); }
    /** @return whether a provider accepted the message (its hand-off is timed; a later deferral keeps this). */
    public boolean handedOff(final int slot) { return e2eStarts[slot] < 0; }
    /** @return occupied slots. */
    public int size() { return size; }
}
