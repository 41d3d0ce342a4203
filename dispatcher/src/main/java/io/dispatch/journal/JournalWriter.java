package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The single appender of the journal. Every append first makes sure the bytes it will write (and the index
 * Chronicle may add after it) are backed by allocated disk blocks ({@link JournalSpace}); when the disk has no
 * room the append writes nothing and says so: {@link #NO_SPACE} or {@code false}. A message id is never handed
 * out twice. <b>Note:</b> not thread-safe; owned by the journal stage thread.
 */
public final class JournalWriter implements AutoCloseable
{
    /** Returned by {@link #appendAccepted} when the disk has no room for the record: nothing was written. */
    public static final long NO_SPACE = -1;
    /** Returned by {@link #appendAccepted} when Chronicle gave an index already handed out: never ACK it. */
    public static final long INDEX_REUSED = -2;
    /**
     * Room kept behind any record for the index array (indexCount x 8 bytes, 32 KiB for the FAST_ roll cycles)
     * and the index-to-index array Chronicle may write right after it, and the end-of-file marker of a roll.
     */
    static final long INDEX_SLACK_BYTES = 1L << 20;
    /**
     * An ACCEPTED or CONSENT record also leaves this much of the reservation (index slack included) for state
     * changes: when the disk fills up between two watcher polls, the messages already accepted can still journal
     * their progress (about 170,000 state records).
     */
    static final long STATE_HEADROOM_BYTES = 4L << 20;
    /** Free bytes a roll needs: the new cycle file's header, index-to-index and first index arrays. */
    static final long ROLL_FREE_BYTES = 4L << 20;

    private final ExcerptAppender appender;
    private final RollingChronicleQueue queue;
    private final JournalSpace space;
    private final FileStore fileStore;
    private long lastId = Long.MIN_VALUE;
    /** ACCEPTED's fixed fields in the byte order Chronicle's own writes use (native, as the readers expect). */
    private final byte[] headerBytes = new byte[64];
    private final UnsafeBuffer header = new UnsafeBuffer(headerBytes);
    private final boolean syncEachBatch;
    private boolean unsynced;

    JournalWriter(final ExcerptAppender appender, final boolean syncEachBatch, final Path dir, final AppendFrontier frontier)
    {
        this.appender = appender;
        this.space = new JournalSpace(frontier);
        this.queue = (RollingChronicleQueue)appender.queue();
        this.syncEachBatch = syncEachBatch;
        FileStore store = null;
        try
        {
            store = Files.getFileStore(dir);
        }
        catch (final IOException ex)
        {
            // without it a roll is not checked for room; the reservation still covers every record
        }
        this.fileStore = store;
    }

    /** @return the message id: the index of the record just written, or {@link #NO_SPACE} / {@link #INDEX_REUSED}. */
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
            dueAtMs, 0, -1, 0, body, bodyLength);
    }

    /** A client's or a campaign's message: {@link #appendAccepted} with no source id. */
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
        return appendAccepted(kind, channel, tenantName, ttlSeconds, acceptedAtMs, keyHash, decision, prepaid, reason,
            dueAtMs, campaignId, consentOverride, 0, body, bodyLength);
    }

    /**
     * @param campaignId non-zero for a campaign's message: written as {@link JournalRecord#TYPE_ACCEPTED_CAMPAIGN}.
     * @param sourceId   non-zero for a message fed from the cluster log (its cluster id; never a campaign's): written
     *                   as {@link JournalRecord#TYPE_ACCEPTED_FED}, 8 bytes more in the same write.
     */
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
        final long sourceId,
        final byte[] body,
        final int bodyLength)
    {
        // The fixed fields are laid out in a scratch buffer and copied with the tenant and body in three
        // writes: each of Chronicle's per-field writes pays its own bounds and position bookkeeping.
        final UnsafeBuffer h = header;
        final byte type = campaignId != 0 ? JournalRecord.TYPE_ACCEPTED_CAMPAIGN :
            sourceId != 0 ? JournalRecord.TYPE_ACCEPTED_FED : JournalRecord.TYPE_ACCEPTED_DECIDED;
        h.putByte(AcceptedRecordDescriptor.TYPE_OFFSET, type);
        h.putByte(AcceptedRecordDescriptor.KIND_OFFSET, kind);
        h.putByte(AcceptedRecordDescriptor.CHANNEL_OFFSET, channel);
        h.putByte(AcceptedRecordDescriptor.TENANT_NAME_LENGTH_OFFSET, (byte)tenantName.length);
        h.putInt(AcceptedRecordDescriptor.TTL_OFFSET, ttlSeconds);
        h.putLong(AcceptedRecordDescriptor.ACCEPTED_AT_OFFSET, acceptedAtMs);
        h.putLong(AcceptedRecordDescriptor.KEY_HASH_OFFSET, keyHash);
        h.putShort(AcceptedRecordDescriptor.BODY_LENGTH_OFFSET, (short)bodyLength);
        h.putByte(AcceptedRecordDescriptor.DECISION_OFFSET, decision);
        h.putByte(AcceptedRecordDescriptor.PREPAID_OFFSET, (byte)(prepaid ? 1 : 0));
        h.putShort(AcceptedRecordDescriptor.REASON_OFFSET, reason);
        h.putLong(AcceptedRecordDescriptor.DUE_AT_OFFSET, dueAtMs);
        if (campaignId != 0)
        {
            h.putLong(AcceptedRecordDescriptor.CAMPAIGN_ID_OFFSET, campaignId);
            h.putInt(AcceptedRecordDescriptor.CONSENT_OVERRIDE_OFFSET, consentOverride);
        }
        else if (sourceId != 0)
        {
            h.putLong(AcceptedRecordDescriptor.SOURCE_ID_OFFSET, sourceId);
        }
        final int length = AcceptedRecordDescriptor.fixedLength(type);
        if (!roomToRoll())
        {
            return NO_SPACE;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), length + tenantName.length + bodyLength + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return NO_SPACE;
            }
            b.write(headerBytes, 0, length);
            b.write(tenantName);
            b.write(body, 0, bodyLength);
        }
        unsynced = true;
        final long id = appender.lastIndexAppended();
        if (id <= lastId)
        {
            return INDEX_REUSED;
        }
        lastId = id;
        return id;
    }

    /**
     * Appends {@code count} packed state changes ({@link StateRecords}) as one document. They may use the headroom
     * that ACCEPTED records leave.
     *
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendStates(final byte[] records, final int count)
    {
        if (!roomToRoll())
        {
            return false;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 2L + count * StateRecords.LENGTH + INDEX_SLACK_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
            b.writeByte(JournalRecord.TYPE_STATE);
            b.writeByte((byte)count);
            b.write(records, 0, count * StateRecords.LENGTH);
        }
        unsynced = true;
        return true;
    }

    /**
     * Appends one directory update (the CONSENT frame body) with its time and tenant: the consent evidence.
     *
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendConsent(final long atMs, final byte[] tenantName, final byte[] body, final int bodyLength)
    {
        if (!roomToRoll())
        {
            return false;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 12L + tenantName.length + bodyLength + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
            b.writeByte(JournalRecord.TYPE_CONSENT);
            b.writeLong(atMs);
            b.writeByte((byte)tenantName.length);
            b.write(tenantName);
            b.writeShort((short)bodyLength);
            b.write(body, 0, bodyLength);
        }
        unsynced = true;
        return true;
    }

    /**
     * Chronicle writes a new cycle file's header inside {@code writingDocument}, before any reservation can cover
     * it: when the next write would roll (or is the first), the file system must have room for the new file's
     * first pages. One {@code statvfs} per roll, not per record.
     */
    private boolean roomToRoll()
    {
        // a new appender reports the current cycle before it has a file: its first write may create one
        if (fileStore == null || queue.cycle() == appender.cycle() && appender.currentFile() != null)
        {
            return true;
        }
        try
        {
            return fileStore.getUsableSpace() >= ROLL_FREE_BYTES;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /** @return the errno of the last failed disk reservation (ENOSPC = 28), 0 if none failed. */
    public int lastSpaceErrno()
    {
        return space.lastErrno();
    }

    /**
     * Appends an operator's runtime rate change, so that a restart puts it back in force.
     *
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendRate(
        final long atMs, final byte[] tenantName, final byte channel, final long perSecond, final long burst,
        final int reservedPercent)
    {
        if (!roomToRoll())
        {
            return false;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 30L + tenantName.length + INDEX_SLACK_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
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
        return true;
    }

    /**
     * Appends the address a fallback goes to on its new channel ({@link JournalRecord#TYPE_ADDRESS}), before the
     * STATE record of the move: a crash between the two leaves an address that no move uses.
     *
     * @param address a u8 length, then the address's bytes.
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendAddress(final long messageId, final long atMs, final byte channel, final byte[] address)
    {
        if (!roomToRoll())
        {
            return false;
        }
        final int length = 1 + (address[0] & 0xFF);
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 18L + length + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
            b.writeByte(JournalRecord.TYPE_ADDRESS);
            b.writeLong(messageId);
            b.writeLong(atMs);
            b.writeByte(channel);
            b.write(address, 0, length);
        }
        unsynced = true;
        return true;
    }

    /**
     * Appends a receipt that came after the receipt deadline moved the message on ({@link JournalRecord#TYPE_LATE_RECEIPT}).
     *
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendLateReceipt(final long messageId, final long atMs, final byte channel, final byte state,
        final short reason)
    {
        if (!roomToRoll())
        {
            return false;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 21L + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
            b.writeByte(JournalRecord.TYPE_LATE_RECEIPT);
            b.writeLong(messageId);
            b.writeLong(atMs);
            b.writeByte(channel);
            b.writeByte(state);
            b.writeShort(reason);
        }
        unsynced = true;
        return true;
    }

    /**
     * Appends an operator's runtime change of frequency caps ({@link JournalRecord#TYPE_CAPS}).
     *
     * @return false when the disk has no room: nothing was written.
     */
    public boolean appendCaps(
        final long atMs, final byte[] tenantName, final byte kind, final byte channel, final byte[] rules)
    {
        if (!roomToRoll())
        {
            return false;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 15L + tenantName.length + rules.length + INDEX_SLACK_BYTES))
            {
                dc.rollbackOnClose();
                return false;
            }
            b.writeByte(JournalRecord.TYPE_CAPS);
            b.writeLong(atMs);
            b.writeByte(kind);
            b.writeByte(channel);
            b.writeByte((byte)tenantName.length);
            b.write(tenantName);
            b.writeShort((short)rules.length);
            b.write(rules);
        }
        unsynced = true;
        return true;
    }

    /**
     * Appends an inbound event ({@link JournalRecord#TYPE_INBOUND}).
     *
     * @return its journal index (the event's position in the inbound stream), or {@link #NO_SPACE}.
     */
    public long appendInbound(final long atMs, final byte[] tenantName, final byte[] body, final int bodyLength)
    {
        if (!roomToRoll())
        {
            return NO_SPACE;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 14L + tenantName.length + bodyLength + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return NO_SPACE;
            }
            b.writeByte(JournalRecord.TYPE_INBOUND);
            b.writeLong(atMs);
            b.writeByte((byte)tenantName.length);
            b.write(tenantName);
            b.writeInt(bodyLength);
            b.write(body, 0, bodyLength);
        }
        unsynced = true;
        return appender.lastIndexAppended();
    }

    /** @return the journal index of the last record this writer appended. */
    public long lastIndex()
    {
        return appender.lastIndexAppended();
    }

    /** Journals a template version ({@link JournalRecord#TYPE_TEMPLATE}). @return its journal index, or {@link #NO_SPACE}. */
    public long appendTemplate(final byte[] id, final byte[] text)
    {
        if (!roomToRoll())
        {
            return NO_SPACE;
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> b = dc.wire().bytes();
            if (!space.reserve(appender, b.writePosition(), 6L + id.length + text.length + STATE_HEADROOM_BYTES))
            {
                dc.rollbackOnClose();
                return NO_SPACE;
            }
            b.writeByte(JournalRecord.TYPE_TEMPLATE);
            b.writeByte((byte)id.length);
            b.write(id);
            b.writeInt(text.length);
            b.write(text);
        }
        unsynced = true;
        return appender.lastIndexAppended();
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
        space.close();
        appender.close();
    }
}
