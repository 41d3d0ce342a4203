package io.dispatch.journal;

import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

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

        /** A template version ({@link JournalRecord#TYPE_TEMPLATE}) at journal index {@code index}; fresh arrays. */
        default void onTemplate(long index, byte[] id, byte[] text)
        {
        }

        /** An inbound event ({@link JournalRecord#TYPE_INBOUND}) at journal index {@code index}; arrays are reused. */
        default void onInbound(long index, long atMs, byte[] tenantName, int tenantNameLength, byte[] body,
            int bodyLength)
        {
        }

        /**
         * A fallback re-addressed on its new channel ({@link JournalRecord#TYPE_ADDRESS}).
         *
         * @param address a u8 length, then the address's bytes; reused, copy to keep.
         */
        default void onAddress(long messageId, long atMs, byte channel, byte[] address)
        {
        }

        /** A runtime change of frequency caps; channel 0 = across channels; {@code rules} as configured ("none"). */
        default void onCaps(long atMs, byte[] tenantName, int tenantNameLength, byte kind, byte channel, String rules)
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
    private byte[] inboundBody = new byte[1024];
    private final byte[] address = new byte[256];
    private long lastIndex = -1;

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

    /**
     * Reads the history of {@code messageId}: its ACCEPTED record, then forward through at most {@code maxDocuments}
     * documents for its state changes, stopping at its first terminal state. A tailer of its own: it never touches
     * the journal stage's appender. Allocates (an operator's read, not the hot path).
     */
    public MessageHistory readHistory(final long messageId, final long maxDocuments)
    {
        final MessageHistory history = new MessageHistory();
        if (!readAccepted(messageId, history.accepted))
        {
            return history;
        }
        if (history.accepted.decision == Decision.SUPPRESS.code())
        {
            history.end = MessageHistory.End.TERMINAL; // the policy stage ended it at acceptance: no STATE follows
            return history;
        }
        int lastAttempts = 0;
        String readdressed = null;
        while (history.documentsRead < maxDocuments)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    history.end = MessageHistory.End.OPEN;
                    return history;
                }
                history.documentsRead++;
                final Bytes<?> b = dc.wire().bytes();
                final byte type = b.readByte();
                if (type == JournalRecord.TYPE_ADDRESS && b.readLong() == messageId)
                {
                    b.readLong();
                    b.readByte();
                    readAddress(b);
                    readdressed = new String(address, 1, address[0] & 0xFF, StandardCharsets.UTF_8);
                    continue;
                }
                if (type == JournalRecord.TYPE_LATE_RECEIPT && b.readLong() == messageId)
                {
                    final long atMs = b.readLong();
                    final byte channel = b.readByte();
                    final DeliveryState state = DeliveryState.of(b.readByte());
                    history.lateReceipts.add(new MessageHistory.LateReceipt(atMs, state, channel, b.readShort()));
                    continue;
                }
                if (type != JournalRecord.TYPE_STATE)
                {
                    continue;
                }
                final int n = b.readUnsignedByte();
                b.read(states, 0, n * StateRecords.LENGTH);
                for (int i = 0, o = 0; i < n; i++, o += StateRecords.LENGTH)
                {
                    if (StateRecords.messageId(states, o) != messageId)
                    {
                        continue;
                    }
                    final DeliveryState state = DeliveryState.of(StateRecords.state(states, o));
                    if (state == null)
                    {
                        continue; // a state a newer engine added: skipped like an unknown record type
                    }
                    // 0 = "unchanged" (a receipt's state does not repeat the attempt): show the last one, as STATUS does
                    final int attempts = StateRecords.attempts(states, o) & 0xFF;
                    lastAttempts = attempts == 0 ? lastAttempts : attempts;
                    history.changes.add(new MessageHistory.Change(StateRecords.atMs(states, o), state, lastAttempts,
                        StateRecords.channel(states, o), StateRecords.reason(states, o), readdressed));
                    readdressed = null; // the address record comes right before the move it belongs to
                    if (state.isTerminal())
                    {
                        history.end = MessageHistory.End.TERMINAL;
                        return history;
                    }
                }
            }
        }
        history.end = MessageHistory.End.CUT;
        return history;
    }

    /** Scans from the start of the journal to its end. @return the number of records read. */
    public long scanFromStart(final Visitor visitor, final AcceptedRecord scratch)
    {
        return scanFromStart(visitor, scratch, () -> false);
    }

    /** As {@link #scanFromStart(Visitor, AcceptedRecord)}, giving up (returning -1) once {@code stop} says so. */
    public long scanFromStart(final Visitor visitor, final AcceptedRecord scratch, final BooleanSupplier stop)
    {
        tailer.toStart();
        return scan(visitor, scratch, stop);
    }

    /**
     * Positions the reader just after the document at {@code index} (a snapshot's last one).
     *
     * @return false when the journal no longer holds that document (its cycle was deleted, or the journal replaced).
     */
    public boolean positionAfter(final long index)
    {
        if (!tailer.moveToIndex(index))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            return dc.isPresent() && dc.index() == index;
        }
    }

    /** The index of the last document {@link #scan} read, or -1 before any. */
    public long lastIndex()
    {
        return lastIndex;
    }

    /** Scans from the reader's position to the end of the journal. @return the number of records read. */
    public long scan(final Visitor visitor, final AcceptedRecord scratch)
    {
        return scan(visitor, scratch, () -> false);
    }

    /** As {@link #scan(Visitor, AcceptedRecord)}, giving up (returning -1) once {@code stop} says so. */
    public long scan(final Visitor visitor, final AcceptedRecord scratch, final BooleanSupplier stop)
    {
        long count = 0;
        while (true)
        {
            if ((count & 0xFFF) == 0 && stop.getAsBoolean())
            {
                return -1;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return count;
                }
                lastIndex = dc.index();
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
                else if (type == JournalRecord.TYPE_TEMPLATE)
                {
                    final byte[] id = new byte[b.readUnsignedByte()];
                    b.read(id);
                    final byte[] text = new byte[b.readInt()];
                    b.read(text);
                    visitor.onTemplate(index, id, text);
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
                else if (type == JournalRecord.TYPE_INBOUND)
                {
                    final long atMs = b.readLong();
                    final int tenantLength = b.readUnsignedByte();
                    b.read(consentTenant, 0, tenantLength);
                    final int length = b.readInt();
                    if (inboundBody.length < length)
                    {
                        inboundBody = new byte[length];
                    }
                    b.read(inboundBody, 0, length);
                    visitor.onInbound(index, atMs, consentTenant, tenantLength, inboundBody, length);
                }
                else if (type == JournalRecord.TYPE_ADDRESS)
                {
                    final long messageId = b.readLong();
                    final long atMs = b.readLong();
                    final byte channel = b.readByte();
                    readAddress(b);
                    visitor.onAddress(messageId, atMs, channel, address);
                }
                else if (type == JournalRecord.TYPE_CAPS)
                {
                    final long atMs = b.readLong();
                    final byte kind = b.readByte();
                    final byte channel = b.readByte();
                    final int tenantLength = b.readUnsignedByte();
                    b.read(consentTenant, 0, tenantLength);
                    final byte[] rules = new byte[b.readUnsignedShort()];
                    b.read(rules);
                    visitor.onCaps(atMs, consentTenant, tenantLength, kind, channel,
                        new String(rules, java.nio.charset.StandardCharsets.US_ASCII));
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

    private void readAddress(final Bytes<?> b)
    {
        final int length = b.readUnsignedByte();
        address[0] = (byte)length;
        b.read(address, 1, length);
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
