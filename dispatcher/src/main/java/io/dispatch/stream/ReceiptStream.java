package io.dispatch.stream;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import org.agrona.collections.Long2LongHashMap;

/**
 * A resumed receipt subscription: every state change of the tenant's messages after the position, as the status
 * stage would have reported it live (the same states, times, attempts and channel), then the new ones. A STATE
 * record names only the message id, so the stream learns each message's tenant and channel from its ACCEPTED record
 * (read as it passes, or looked up for a message accepted before the position).
 */
final class ReceiptStream extends JournalStream
{
    private static final long UNKNOWN = -1;
    /** Beyond this many messages the memo starts again (a lookup per message it forgot, no more). */
    private static final int MAX_KNOWN = 1 << 20;

    private JournalReader lookup;
    private final AcceptedRecord scratch = new AcceptedRecord();
    /** messageId → ours (1 bit) | channel << 8 | last attempts << 16. */
    private final Long2LongHashMap known = new Long2LongHashMap(UNKNOWN);

    ReceiptStream(final StreamSink sink, final int tenantId, final byte[] tenantName, final long startAfter)
    {
        super(sink, tenantId, tenantName, startAfter, () -> { });
    }

    @Override
    void open(final Journal journal)
    {
        lookup = journal.newReader();
        super.open(journal);
    }

    @Override
    public boolean onAccepted(final long position, final AcceptedRecord r)
    {
        final long messageId = position >>> io.dispatch.journal.JournalCursor.ORDINAL_BITS;
        final boolean ours = ofTenant(r.tenantName, r.tenantNameLength);
        remember(messageId, ours, r.channel, 0);
        if (!ours)
        {
            return true;
        }
        // decided at acceptance: the status stage reports these with the ACK, from the ACCEPTED record
        if (r.decision == Decision.DEFER.code())
        {
            return offer(position, messageId, DeliveryState.DEFERRED.code(), 0, r.reason, r.dueAtMs, r.channel);
        }
        if (r.decision == Decision.SUPPRESS.code())
        {
            return offer(position, messageId, DeliveryState.SUPPRESSED.code(), 0, r.reason, r.acceptedAtMs, r.channel);
        }
        return true;
    }

    @Override
    public boolean onState(final long position, final long messageId, final byte state, final byte attempts,
        final byte channel, final short reason, final long atMs)
    {
        long info = known.get(messageId);
        if (info == UNKNOWN)
        {
            info = lookup.readAccepted(messageId, scratch)
                ? remember(messageId, ofTenant(scratch.tenantName, scratch.tenantNameLength), scratch.channel, 0)
                : remember(messageId, false, (byte)0, 0);
        }
        if ((info & 1) == 0)
        {
            return true;
        }
        // as the status table does: a receipt does not repeat the attempt, and a lane's channel replaces the old one
        final int a = attempts == 0 ? (int)(info >>> 16 & 0xFF) : attempts & 0xFF;
        final byte c = channel == 0 ? (byte)(info >>> 8) : channel;
        if (!offer(position, messageId, state, a, reason, atMs, c))
        {
            return false;
        }
        remember(messageId, true, c, a);
        return true;
    }

    private boolean offer(final long position, final long messageId, final byte state, final int attempts,
        final short reason, final long atMs, final byte channel)
    {
        if (!sink.offerStreamedReceipt(messageId, state, attempts, reason, atMs, channel, position))
        {
            return false;
        }
        offered = true;
        return true;
    }

    private long remember(final long messageId, final boolean ours, final byte channel, final int attempts)
    {
        if (known.size() >= MAX_KNOWN)
        {
            known.clear();
        }
        final long info = (ours ? 1 : 0) | (channel & 0xFFL) << 8 | (attempts & 0xFFL) << 16;
        known.put(messageId, info);
        return info;
    }

    @Override
    public void close()
    {
        super.close();
        if (lookup != null)
        {
            lookup.close();
        }
    }
}
