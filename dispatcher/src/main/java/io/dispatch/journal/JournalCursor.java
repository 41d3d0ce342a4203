package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Follows the journal from a stream position for one subscriber: the receipts (state changes) and inbound events
 * it has not seen, then new ones as they are appended. A <b>position</b> names one reportable thing in the journal:
 * {@code journalIndex * 64 + ordinal}, the ordinal being the state change's place in its STATE record (up to 64 per
 * record) and 0 for an ACCEPTED or INBOUND record. Positions grow in journal order, so "everything after P" is
 * exact. A visitor that cannot take a record now (its subscriber's buffer is full) returns false: the cursor stays
 * on that record and the next {@link #poll} offers it again, so nothing is dropped or repeated.
 * <p>
 * <b>Note:</b> not thread-safe; one thread (the stream thread) owns it.
 */
public final class JournalCursor implements AutoCloseable
{
    /** Start at the end of the journal: only what is appended from now on. */
    public static final long FROM_NOW = -1;
    /** Start at the start of the journal (what retention kept). */
    public static final long FROM_START = 0;
    public static final int ORDINAL_BITS = 6;

    /** Receives records in journal order. Arrays are reused: copy what you keep. */
    public interface Visitor
    {
        /** @return false to stop here (offered again by the next poll). */
        boolean onAccepted(long position, AcceptedRecord record);

        /** @return false to stop at this state change (offered again by the next poll). */
        boolean onState(long position, long messageId, byte state, byte attempts, byte channel, short reason, long atMs);

        /** @return false to stop here (offered again by the next poll). */
        boolean onInbound(long position, long atMs, byte[] tenantName, int tenantNameLength, byte[] body, int length);
    }

    private final ExcerptTailer tailer;
    private final AcceptedRecord accepted = new AcceptedRecord();
    private final byte[] states = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
    private final byte[] tenant = new byte[255];
    private byte[] inbound = new byte[1024];
    /** Within the record at {@link #skipIndex}, the ordinals below this were taken already. */
    private long skipIndex = -1;
    private int skipOrdinal;

    JournalCursor(final ExcerptTailer tailer)
    {
        this.tailer = tailer;
    }

    public static long position(final long journalIndex, final int ordinal)
    {
        return journalIndex << ORDINAL_BITS | ordinal;
    }

    /**
     * Places the cursor just after {@code position}, or at {@link #FROM_START} / {@link #FROM_NOW}. A position older
     * than the journal's first record (removed by retention) starts at the first record; one beyond its end, at
     * the end.
     */
    public void startAfter(final long position)
    {
        skipIndex = -1;
        if (position == FROM_NOW)
        {
            tailer.toEnd();
            return;
        }
        tailer.toStart();
        if (position == FROM_START)
        {
            return;
        }
        final long index = position >>> ORDINAL_BITS;
        if (index < tailer.index())
        {
            return;
        }
        if (!tailer.moveToIndex(index))
        {
            tailer.toEnd();
            return;
        }
        skipIndex = index;
        skipOrdinal = (int)(position & ((1 << ORDINAL_BITS) - 1)) + 1;
    }

    /** @return the number of records read to their end (0: nothing new, or the visitor is full). */
    public int poll(final Visitor visitor, final int maxRecords)
    {
        int read = 0;
        while (read < maxRecords)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return read;
                }
                final long index = dc.index();
                final int from = index == skipIndex ? skipOrdinal : 0;
                final int stoppedAt = visit(visitor, dc.wire().bytes(), index, from);
                if (stoppedAt >= 0)
                {
                    dc.rollbackOnClose(); // read it again next time, from the ordinal that did not fit
                    skipIndex = index;
                    skipOrdinal = stoppedAt;
                    return read;
                }
                read++;
            }
        }
        return read;
    }

    /** @return -1 when the record was taken whole, else the ordinal the visitor stopped at. */
    private int visit(final Visitor visitor, final Bytes<?> b, final long index, final int fromOrdinal)
    {
        final byte type = b.readByte();
        if (type == JournalRecord.TYPE_STATE)
        {
            final int n = b.readUnsignedByte();
            b.read(states, 0, n * StateRecords.LENGTH);
            for (int i = fromOrdinal, o = fromOrdinal * StateRecords.LENGTH; i < n; i++, o += StateRecords.LENGTH)
            {
                if (!visitor.onState(position(index, i), StateRecords.messageId(states, o), StateRecords.state(states, o),
                    StateRecords.attempts(states, o), StateRecords.channel(states, o), StateRecords.reason(states, o),
                    StateRecords.atMs(states, o)))
                {
                    return i;
                }
            }
            return -1;
        }
        if (fromOrdinal > 0)
        {
            return -1; // an ACCEPTED or INBOUND record has one position, ordinal 0, and it was taken
        }
        if (JournalRecord.isAccepted(type))
        {
            accepted.read(b, type);
            return visitor.onAccepted(position(index, 0), accepted) ? -1 : 0;
        }
        if (type == JournalRecord.TYPE_INBOUND)
        {
            final long atMs = b.readLong();
            final int tenantLength = b.readUnsignedByte();
            b.read(tenant, 0, tenantLength);
            final int length = b.readInt();
            if (inbound.length < length)
            {
                inbound = new byte[length];
            }
            b.read(inbound, 0, length);
            return visitor.onInbound(position(index, 0), atMs, tenant, tenantLength, inbound, length) ? -1 : 0;
        }
        return -1;
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
