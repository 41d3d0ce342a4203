package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The single appender of the journal. <b>Note:</b> not thread-safe; owned by the journal stage thread.
 */
public final class JournalWriter implements AutoCloseable
{
    private final ExcerptAppender appender;
    /** ACCEPTED's fixed fields in the byte order Chronicle's own writes use (native, as the readers expect). */
    private final byte[] headerBytes = new byte[64];
    private final UnsafeBuffer header = new UnsafeBuffer(headerBytes);
    private final boolean syncEachBatch;
    private boolean unsynced;

    JournalWriter(final ExcerptAppender appender, final boolean syncEachBatch)
    {
        this.appender = appender;
        this.syncEachBatch = syncEachBatch;
    }

    /** @return the message id: the index of the record just written. */
    public long appendAccepted(
        final byte kind,
        final byte channel,
        final byte[] tenantName,
        final int ttlSeconds,
        final long acceptedAtMs,
        final long keyHash,
        final byte decision,
        final boolean prepaid,
        final short reason,
        final long dueAtMs,
        final byte[] body,
        final int bodyLength)
    {
        return appendAccepted(kind, channel, tenantName, ttlSeconds, acceptedAtMs, keyHash, decision, prepaid, reason,
            dueAtMs, 0, -1, body, bodyLength);
    }

    /** @param campaignId non-zero for a campaign's message: written as {@link JournalRecord#TYPE_ACCEPTED_CAMPAIGN}. */
    public long appendAccepted(
        final byte kind,
        final byte channel,
        final byte[] tenantName,
        final int ttlSeconds,
        final long acceptedAtMs,
        final long keyHash,
        final byte decision,
        final boolean prepaid,
        final short reason,
        final long dueAtMs,
        final long campaignId,
        final int consentOverride,
        final byte[] body,
        final int bodyLength)
    {
        // The fixed fields are laid out in a scratch buffer and copied with the tenant and body in three
        // writes: each of Chronicle's per-field writes pays its own bounds and position bookkeeping.
        final UnsafeBuffer h = header;
        h.putByte(0, campaignId == 0 ? JournalRecord.TYPE_ACCEPTED_DECIDED : JournalRecord.TYPE_ACCEPTED_CAMPAIGN);
        h.putByte(1, kind);
        h.putByte(2, channel);
        h.putByte(3, (byte)tenantName.length);
        h.putInt(4, ttlSeconds);
        h.putLong(8, acceptedAtMs);
        h.putLong(16, keyHash);
        h.putShort(24, (short)bodyLength);
        h.putByte(26, decision);
        h.putByte(27, (byte)(prepaid ? 1 : 0));
        h.putShort(28, reason);
        h.putLong(30, dueAtMs);
        int length = 38;
        if (campaignId != 0)
        {
            h.putLong(38, campaignId);
            h.putInt(46, consentOverride);
            length = 50;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            b.write(headerBytes, 0, length);
            b.write(tenantName);
            b.write(body, 0, bodyLength);
        }
        unsynced = true;
        return appender.lastIndexAppended();
    }

    /** Appends {@code count} packed state changes ({@link StateRecords}) as one document. */
    public void appendStates(final byte[] records, final int count)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            b.writeByte(JournalRecord.TYPE_STATE);
            b.writeByte((byte)count);
            b.write(records, 0, count * StateRecords.LENGTH);
        }
        unsynced = true;
    }

    /** Appends one directory update (the CONSENT frame body) with its time and tenant: the consent evidence. */
    public void appendConsent(final long atMs, final byte[] tenantName, final byte[] body, final int bodyLength)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            b.writeByte(JournalRecord.TYPE_CONSENT);
            b.writeLong(atMs);
            b.writeByte((byte)tenantName.length);
            b.write(tenantName);
            b.writeShort((short)bodyLength);
            b.write(body, 0, bodyLength);
        }
        unsynced = true;
    }

    /** Appends an operator's runtime rate change, so that a restart puts it back in force. */
    public void appendRate(
        final long atMs, final byte[] tenantName, final byte channel, final long perSecond, final long burst,
        final int reservedPercent)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            b.writeByte(JournalRecord.TYPE_RATE);
            b.writeLong(atMs);
            b.writeByte(channel);
            b.writeLong(perSecond);
            b.writeLong(burst);
            b.writeByte((byte)reservedPercent);
            b.writeByte((byte)tenantName.length);
            b.write(tenantName);
        }
        unsynced = true;
    }

    /** Called at the end of each ring batch, before that batch is acked. */
    public void endOfBatch()
    {
        if (syncEachBatch && unsynced)
        {
            appender.sync();
        }
        unsynced = false;
    }

    @Override
    public void close()
    {
        appender.close();
    }
}
