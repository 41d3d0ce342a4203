package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads journal records, sequentially (recovery) or by message id (lanes load the message they
 * dispatch). <b>Note:</b> not thread-safe; one per thread.
 */
public final class JournalReader implements AutoCloseable
{
    /** Receives records during a sequential scan. Byte arrays are reused: copy what you keep. */
    public interface Visitor
    {
        void onAccepted(long messageId, AcceptedRecord record);

        void onState(long messageId, byte state, byte attempts, byte channel, short reason, long atMs);

        /** A CONSENT update; {@code body} holds the frame body ({@code ConsentRecord} layout). */
        default void onConsent(long atMs, byte[] tenantName, int tenantNameLength, byte[] body, int bodyLength)
        {
        }

        /** A runtime rate change; channel 0 = the tenant's own rate. */
        default void onRate(
            long atMs, byte[] tenantName, int tenantNameLength, byte channel, long perSecond, long burst,
            int reservedPercent)
        {
        }
    }

    /** Beyond this many documents ahead, an index lookup is cheaper than reading forward. */
    private static final long MAX_FORWARD_SKIP = 256;

    private final ExcerptTailer tailer;
    private final byte[] states = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
    private final byte[] consentTenant = new byte[255];
    private final byte[] consentBody = new byte[1024];

    JournalReader(final ExcerptTailer tailer)
    {
        this.tailer = tailer;
    }

    /**
     * Loads the ACCEPTED record of {@code messageId} into {@code into}.
     *
     * @return false when there is no such record.
     */
    public boolean readAccepted(final long messageId, final AcceptedRecord into)
    {
        // Lanes ask for ids in nearly increasing order: reading forward over a few documents is cheaper
        // than an index lookup with moveToIndex.
        final long next = tailer.index();
        final boolean forward = messageId >= next && messageId - next <= MAX_FORWARD_SKIP;
        if (!forward && !tailer.moveToIndex(messageId))
        {
            return false;
        }
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return false;
                }
                final long index = dc.index();
                if (index < messageId)
                {
                    continue;
                }
                if (index > messageId)
                {
                    return false;
                }
                final Bytes<?> b = dc.wire().bytes();
                final byte type = b.readByte();
                if (!JournalRecord.isAccepted(type))
                {
                    return false;
                }
                into.read(b, type);
                return true;
            }
        }
    }

    /** Scans from the start of the journal to its end. @return the number of records read. */
    public long scanFromStart(final Visitor visitor, final AcceptedRecord scratch)
    {
        tailer.toStart();
        long count = 0;
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return count;
                }
                count++;
                final Bytes<?> b = dc.wire().bytes();
                final long index = dc.index();
                final byte type = b.readByte();
                if (JournalRecord.isAccepted(type))
                {
                    scratch.read(b, type);
                    visitor.onAccepted(index, scratch);
                }
                else if (type == JournalRecord.TYPE_CONSENT)
                {
                    final long atMs = b.readLong();
                    final int tenantLength = b.readUnsignedByte();
                    b.read(consentTenant, 0, tenantLength);
                    final int length = b.readUnsignedShort();
                    b.read(consentBody, 0, length);
                    visitor.onConsent(atMs, consentTenant, tenantLength, consentBody, length);
                }
                else if (type == JournalRecord.TYPE_RATE)
                {
                    final long atMs = b.readLong();
                    final byte channel = b.readByte();
                    final long perSecond = b.readLong();
                    final long burst = b.readLong();
                    final int reserved = b.readUnsignedByte();
                    final int tenantLength = b.readUnsignedByte();
                    b.read(consentTenant, 0, tenantLength);
                    visitor.onRate(atMs, consentTenant, tenantLength, channel, perSecond, burst, reserved);
                }
                else if (type == JournalRecord.TYPE_STATE)
                {
                    final int n = b.readUnsignedByte();
                    b.read(states, 0, n * StateRecords.LENGTH);
                    for (int i = 0, o = 0; i < n; i++, o += StateRecords.LENGTH)
                    {
                        visitor.onState(StateRecords.messageId(states, o), StateRecords.state(states, o),
                            StateRecords.attempts(states, o), StateRecords.channel(states, o), StateRecords.reason(states, o),
                            StateRecords.atMs(states, o));
                    }
                }
            }
        }
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
