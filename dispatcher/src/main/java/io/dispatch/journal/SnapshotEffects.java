package io.dispatch.journal;

import io.dispatch.config.CapRules;
import org.agrona.collections.Long2LongHashMap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * What a journal fold hands to the owners of {@link JournalReplayer.Targets} and the lanes (the dead letters of
 * {@link Recovery.Sink}), recorded in journal order so that a snapshot can hand the same calls to the real ones at the
 * next start. Only what can still matter is kept: sends within the longest frequency-cap window, content keys within
 * the content window, inbound events within the inbound window, every consent update, template version, rate and caps
 * change, campaign counts summed per campaign, the newest dead letters per channel. At load the policy calls come back in journal order, then the campaign counts
 * (accepted before states), then the dead letters in their order: each sink sees its own calls in journal order.
 * Owned by the snapshot thread's fold; not thread-safe.
 */
final class SnapshotEffects implements Recovery.PolicySink, Recovery.Sink
{
    private static final byte END = 0;
    private static final byte SENT = 1;
    private static final byte CONSENT = 2;
    private static final byte CONTENT = 3;
    private static final byte TEMPLATE = 4;
    private static final byte RATE = 5;
    private static final byte CAPS = 6;
    private static final byte LANE_RATE = 7;
    private static final byte INBOUND = 8;
    private static final long NONE = -1;

    /**
     * How a snapshot carries each journal record type ({@link JournalRecord}'s {@code TYPE_} constants), so that a
     * start from a snapshot plus the tail equals a full scan: a type recovery folds and a snapshot drops is lost for
     * good once retention deletes its cycle. A new record type gets its row here, with its snapshot handling;
     * SnapshotRecoveryTest fails for a constant without one.
     */
    static final Map<Byte, String> CARRIED = Map.ofEntries(
        Map.entry(JournalRecord.TYPE_ACCEPTED, "dedup index, status table, open messages; sends, content keys, "
            + "campaign counts as effects"),
        Map.entry(JournalRecord.TYPE_ACCEPTED_DECIDED, "as TYPE_ACCEPTED"),
        Map.entry(JournalRecord.TYPE_ACCEPTED_CAMPAIGN, "as TYPE_ACCEPTED"),
        Map.entry(JournalRecord.TYPE_ACCEPTED_FED, "as TYPE_ACCEPTED; the source id is read again from the record of"
            + " each open message at a start (Recovery#sourceIds)"),
        Map.entry(JournalRecord.TYPE_STATE, "status table, open messages; campaign state counts, dead letters"),
        Map.entry(JournalRecord.TYPE_CONSENT, "effect CONSENT, every one"),
        Map.entry(JournalRecord.TYPE_RATE, "effect RATE (a tenant's) or LANE_RATE (a lane's), every one"),
        Map.entry(JournalRecord.TYPE_TEMPLATE, "effect TEMPLATE, every one"),
        Map.entry(JournalRecord.TYPE_CAPS, "effect CAPS, every one"),
        Map.entry(JournalRecord.TYPE_INBOUND, "effect INBOUND, within the inbound window (dedup ids, "
            + "conversation windows)"),
        Map.entry(JournalRecord.TYPE_ADDRESS, "Recovery's addresses of open messages"),
        Map.entry(JournalRecord.TYPE_LATE_RECEIPT, "nothing: evidence for --history only, no fold reads it"));

    /** The log's buffer without a copy. */
    private static final class Log extends ByteArrayOutputStream
    {
        Log()
        {
            super(1 << 16);
        }

        ByteArrayInputStream reader()
        {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }

    private static final class DeadLetter
    {
        long messageId;
        long atMs;
        byte channel;
        int tenantId;
        byte state;
        short reason;
        int attempts;
        byte kind;
    }

    private final Log log = new Log();
    private final DataOutputStream out = new DataOutputStream(log);
    private final long sendWindowMs;
    private final long contentWindowMs;
    private final long inboundWindowMs;
    private final int deadLettersPerChannel;
    /** Campaign id → this fold's campaign slot (1-based), and back. */
    private final Long2LongHashMap slotByCampaign = new Long2LongHashMap(NONE);
    private long[] campaignBySlot = new long[64];
    /** Packed (slot, state count?, channel, decision or state, reason) → count; see {@link #countKey}. */
    private final Long2LongHashMap counts = new Long2LongHashMap(0);
    @SuppressWarnings("unchecked")
    private final ArrayDeque<DeadLetter>[] deadLetters = new ArrayDeque[256];

    /**
     * @param inboundWindowMs how long an inbound event can still matter at a start: the longer of the inbound dedup
     *                        window and the longest conversation window.
     */
    SnapshotEffects(final long sendWindowMs, final long contentWindowMs, final long inboundWindowMs,
        final int deadLettersPerChannel)
    {
        this.sendWindowMs = sendWindowMs;
        this.contentWindowMs = contentWindowMs;
        this.inboundWindowMs = inboundWindowMs;
        this.deadLettersPerChannel = deadLettersPerChannel;
    }

    @Override
    public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey, final long atMs)
    {
        if (sendWindowMs <= 0)
        {
            return;
        }
        try
        {
            out.writeByte(SENT);
            out.writeInt(tenantId);
            out.writeByte(kind);
            out.writeByte(channel);
            out.writeLong(recipientKey);
            out.writeLong(atMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void consent(final int tenantId, final byte[] body)
    {
        try
        {
            out.writeByte(CONSENT);
            out.writeInt(tenantId);
            out.writeInt(body.length);
            out.write(body);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void content(final long contentHash, final long messageId, final long atMs)
    {
        try
        {
            out.writeByte(CONTENT);
            out.writeLong(contentHash);
            out.writeLong(messageId);
            out.writeLong(atMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void template(final long index, final byte[] id, final byte[] text)
    {
        try
        {
            out.writeByte(TEMPLATE);
            out.writeLong(index);
            out.writeInt(id.length);
            out.write(id);
            out.writeInt(text.length);
            out.write(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void rate(final int tenantId, final byte channel, final long perSecond, final long burst,
        final int reservedPercent, final long atMs)
    {
        try
        {
            out.writeByte(RATE);
            out.writeInt(tenantId);
            out.writeByte(channel);
            out.writeLong(perSecond);
            out.writeLong(burst);
            out.writeInt(reservedPercent);
            out.writeLong(atMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void laneRate(final byte channel, final long perSecond, final long burst, final int reservedPercent,
        final long atMs)
    {
        try
        {
            out.writeByte(LANE_RATE);
            out.writeByte(channel);
            out.writeLong(perSecond);
            out.writeLong(burst);
            out.writeInt(reservedPercent);
            out.writeLong(atMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void caps(final int tenantId, final byte kind, final byte channel, final CapRules rules, final long atMs)
    {
        try
        {
            out.writeByte(CAPS);
            out.writeInt(tenantId);
            out.writeByte(kind);
            out.writeByte(channel);
            final byte[] text = rules.toString().getBytes(StandardCharsets.US_ASCII); // parsed again at load
            out.writeShort(text.length);
            out.write(text);
            out.writeLong(atMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void inbound(final long index, final int tenantId, final long atMs, final byte[] body, final int bodyLength)
    {
        if (inboundWindowMs <= 0)
        {
            return;
        }
        try
        {
            out.writeByte(INBOUND);
            out.writeLong(index);
            out.writeInt(tenantId);
            out.writeLong(atMs);
            out.writeInt(bodyLength);
            out.write(body, 0, bodyLength); // the reader reuses the array: copied here
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public int campaignMessage(final long campaignId, final byte channel, final byte decision, final short reason)
    {
        long slot = slotByCampaign.get(campaignId);
        if (slot == NONE)
        {
            slot = slotByCampaign.size() + 1;
            if (slot >= campaignBySlot.length)
            {
                campaignBySlot = java.util.Arrays.copyOf(campaignBySlot, campaignBySlot.length * 2);
            }
            campaignBySlot[(int)slot] = campaignId;
            slotByCampaign.put(campaignId, slot);
        }
        counts.put(countKey((int)slot, false, channel, decision, reason),
            counts.get(countKey((int)slot, false, channel, decision, reason)) + 1);
        return (int)slot;
    }

    @Override
    public void campaignState(final int campaignSlot, final byte channel, final byte state, final short reason)
    {
        final long key = countKey(campaignSlot, true, channel, state, reason);
        counts.put(key, counts.get(key) + 1);
    }

    /** The campaign id behind one of this fold's campaign slots. */
    long campaignIdOfSlot(final int slot)
    {
        return slot > 0 && slot < campaignBySlot.length ? campaignBySlot[slot] : 0;
    }

    private static long countKey(final int slot, final boolean state, final byte channel, final byte code,
        final short reason)
    {
        return (long)slot << 40 | (state ? 1L << 39 : 0) | (long)(channel & 0xFF) << 24 | (code & 0xFF) << 16
            | (reason & 0xFFFF);
    }

    @Override
    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
        final boolean uncertain)
    {
        throw new UnsupportedOperationException("a snapshot fold hands nothing to the lanes");
    }

    @Override
    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
        final long providerAcceptedAtMs, final boolean uncertain)
    {
        throw new UnsupportedOperationException("a snapshot fold hands nothing to the lanes");
    }

    @Override
    public void deferred(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
        final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
        final long campaignId)
    {
        throw new UnsupportedOperationException("a snapshot fold hands nothing to the scheduler");
    }

    @Override
    public void deadLetter(final long messageId, final long atMs, final byte channel, final int tenantId,
        final byte state, final short reason, final int attempts, final byte kind)
    {
        if (deadLettersPerChannel <= 0)
        {
            return;
        }
        ArrayDeque<DeadLetter> q = deadLetters[channel & 0xFF];
        if (q == null)
        {
            q = deadLetters[channel & 0xFF] = new ArrayDeque<>();
        }
        final DeadLetter d = q.size() == deadLettersPerChannel ? q.pollFirst() : new DeadLetter();
        d.messageId = messageId;
        d.atMs = atMs;
        d.channel = channel;
        d.tenantId = tenantId;
        d.state = state;
        d.reason = reason;
        d.attempts = attempts;
        d.kind = kind;
        q.addLast(d);
    }

    /**
     * Writes what is still relevant at {@code nowMs}: sends and content keys older than their windows are left out.
     */
    void write(final DataOutput to, final long nowMs) throws IOException
    {
        out.flush();
        final DataInputStream in = new DataInputStream(log.reader());
        while (in.available() > 0)
        {
            final byte type = in.readByte();
            switch (type)
            {
                case SENT:
                {
                    final int tenantId = in.readInt();
                    final byte kind = in.readByte();
                    final byte channel = in.readByte();
                    final long recipientKey = in.readLong();
                    final long atMs = in.readLong();
                    if (atMs + sendWindowMs > nowMs)
                    {
                        to.writeByte(SENT);
                        to.writeInt(tenantId);
                        to.writeByte(kind);
                        to.writeByte(channel);
                        to.writeLong(recipientKey);
                        to.writeLong(atMs);
                    }
                    break;
                }
                case CONTENT:
                {
                    final long hash = in.readLong();
                    final long id = in.readLong();
                    final long atMs = in.readLong();
                    if (atMs + contentWindowMs > nowMs)
                    {
                        to.writeByte(CONTENT);
                        to.writeLong(hash);
                        to.writeLong(id);
                        to.writeLong(atMs);
                    }
                    break;
                }
                case CONSENT:
                {
                    final int tenantId = in.readInt();
                    final byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    to.writeByte(CONSENT);
                    to.writeInt(tenantId);
                    to.writeInt(body.length);
                    to.write(body);
                    break;
                }
                case TEMPLATE:
                {
                    final long index = in.readLong();
                    final byte[] id = new byte[in.readInt()];
                    in.readFully(id);
                    final byte[] text = new byte[in.readInt()];
                    in.readFully(text);
                    to.writeByte(TEMPLATE);
                    to.writeLong(index);
                    to.writeInt(id.length);
                    to.write(id);
                    to.writeInt(text.length);
                    to.write(text);
                    break;
                }
                case RATE:
                {
                    to.writeByte(RATE);
                    to.writeInt(in.readInt());
                    to.writeByte(in.readByte());
                    to.writeLong(in.readLong());
                    to.writeLong(in.readLong());
                    to.writeInt(in.readInt());
                    to.writeLong(in.readLong());
                    break;
                }
                case LANE_RATE:
                {
                    to.writeByte(LANE_RATE);
                    to.writeByte(in.readByte());
                    to.writeLong(in.readLong());
                    to.writeLong(in.readLong());
                    to.writeInt(in.readInt());
                    to.writeLong(in.readLong());
                    break;
                }
                case CAPS:
                {
                    to.writeByte(CAPS);
                    to.writeInt(in.readInt());
                    to.writeByte(in.readByte());
                    to.writeByte(in.readByte());
                    final byte[] text = new byte[in.readUnsignedShort()];
                    in.readFully(text);
                    to.writeShort(text.length);
                    to.write(text);
                    to.writeLong(in.readLong());
                    break;
                }
                case INBOUND:
                {
                    final long index = in.readLong();
                    final int tenantId = in.readInt();
                    final long atMs = in.readLong();
                    final int length = in.readInt();
                    if (atMs + inboundWindowMs > nowMs)
                    {
                        to.writeByte(INBOUND);
                        to.writeLong(index);
                        to.writeInt(tenantId);
                        to.writeLong(atMs);
                        to.writeInt(length);
                        copy(in, to, length);
                    }
                    else
                    {
                        in.skipNBytes(length);
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("effect log: unknown entry type " + type);
            }
        }
        to.writeByte(END);
        // campaign counts: accepted ones first, so that a reader has each campaign's slot before its states
        to.writeInt(counts.size());
        for (int pass = 0; pass < 2; pass++)
        {
            final Long2LongHashMap.EntryIterator it = counts.entrySet().iterator();
            while (it.hasNext())
            {
                it.next();
                final long key = it.getLongKey();
                final boolean state = (key & 1L << 39) != 0;
                if (state != (pass == 1))
                {
                    continue;
                }
                to.writeLong(campaignIdOfSlot((int)(key >>> 40)));
                to.writeBoolean(state);
                to.writeByte((byte)(key >>> 24));
                to.writeByte((byte)(key >>> 16));
                to.writeShort((short)key);
                to.writeLong(it.getLongValue());
            }
        }
        int n = 0;
        for (final ArrayDeque<DeadLetter> q : deadLetters)
        {
            n += q == null ? 0 : q.size();
        }
        to.writeInt(n);
        for (final ArrayDeque<DeadLetter> q : deadLetters)
        {
            if (q == null)
            {
                continue;
            }
            for (final DeadLetter d : q)
            {
                to.writeLong(d.messageId);
                to.writeLong(d.atMs);
                to.writeByte(d.channel);
                to.writeInt(d.tenantId);
                to.writeByte(d.state);
                to.writeShort(d.reason);
                to.writeInt(d.attempts);
                to.writeByte(d.kind);
            }
        }
    }

    /**
     * Hands what {@link #write} wrote to the owners' state methods and the lanes, in the order it was recorded.
     *
     * @return campaign id → the slot {@code targets.campaigns()} gave it, for the status table's campaign slots.
     */
    static Long2LongHashMap replay(final DataInput in, final JournalReplayer.Targets targets, final Recovery.Sink sink)
        throws IOException
    {
        byte[] inbound = new byte[256];
        for (byte type = in.readByte(); type != END; type = in.readByte())
        {
            switch (type)
            {
                case SENT:
                    targets.policy().sent(in.readInt(), in.readByte(), in.readByte(), in.readLong(), in.readLong());
                    break;
                case CONTENT:
                    targets.content().content(in.readLong(), in.readLong(), in.readLong());
                    break;
                case CONSENT:
                {
                    final int tenantId = in.readInt();
                    final byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    targets.policy().consent(tenantId, body);
                    break;
                }
                case TEMPLATE:
                {
                    final long index = in.readLong();
                    final byte[] id = new byte[in.readInt()];
                    in.readFully(id);
                    final byte[] text = new byte[in.readInt()];
                    in.readFully(text);
                    targets.templates().template(index, id, text);
                    break;
                }
                case RATE:
                    targets.policy().rate(in.readInt(), in.readByte(), in.readLong(), in.readLong(), in.readInt(), in.readLong());
                    break;
                case LANE_RATE:
                    targets.laneRates().laneRate(in.readByte(), in.readLong(), in.readLong(), in.readInt(), in.readLong());
                    break;
                case CAPS:
                {
                    final int tenantId = in.readInt();
                    final byte kind = in.readByte();
                    final byte channel = in.readByte();
                    final byte[] text = new byte[in.readUnsignedShort()];
                    in.readFully(text);
                    final CapRules rules = JournalReplayer.capRules(new String(text, StandardCharsets.US_ASCII));
                    targets.policy().caps(tenantId, kind, channel, rules, in.readLong());
                    break;
                }
                case INBOUND:
                {
                    final long index = in.readLong();
                    final int tenantId = in.readInt();
                    final long atMs = in.readLong();
                    final int length = in.readInt();
                    if (inbound.length < length)
                    {
                        inbound = new byte[length];
                    }
                    in.readFully(inbound, 0, length);
                    targets.inbound().inbound(index, tenantId, atMs, inbound, length);
                    break;
                }
                default:
                    throw new IOException("snapshot: unknown effect type " + type);
            }
        }
        final Long2LongHashMap slots = new Long2LongHashMap(0);
        final int counted = in.readInt();
        for (int i = 0; i < counted; i++)
        {
            final long campaignId = in.readLong();
            final boolean state = in.readBoolean();
            final byte channel = in.readByte();
            final byte code = in.readByte();
            final short reason = in.readShort();
            final long n = in.readLong();
            for (long k = 0; k < n; k++)
            {
                if (state)
                {
                    targets.campaigns().campaignState((int)slots.get(campaignId), channel, code, reason);
                }
                else
                {
                    slots.put(campaignId, targets.campaigns().campaignMessage(campaignId, channel, code, reason));
                }
            }
        }
        final int dead = in.readInt();
        for (int i = 0; i < dead; i++)
        {
            sink.deadLetter(in.readLong(), in.readLong(), in.readByte(), in.readInt(), in.readByte(), in.readShort(),
                in.readInt(), in.readByte());
        }
        return slots;
    }

    private static void copy(final DataInputStream in, final DataOutput to, final int length) throws IOException
    {
        final byte[] chunk = new byte[Math.min(length, 8192)];
        for (int left = length; left > 0; )
        {
            final int n = in.read(chunk, 0, Math.min(left, chunk.length));
            if (n < 0)
            {
                throw new java.io.EOFException("effect log: inbound body cut short");
            }
            to.write(chunk, 0, n);
            left -= n;
        }
    }
}
