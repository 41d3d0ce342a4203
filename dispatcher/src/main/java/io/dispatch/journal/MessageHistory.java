package io.dispatch.journal;

import io.dispatch.protocol.DeliveryState;

import java.util.ArrayList;
import java.util.List;

/**
 * One message's journaled history, read by {@link JournalReader#readHistory}: its ACCEPTED record and every STATE
 * change of it after that, in journal order, and why the read stopped. For operators; allocates freely.
 */
public final class MessageHistory
{
    /** Why a history read stopped. */
    public enum End
    {
        /** The journal has no ACCEPTED record at that index. */
        NOT_FOUND,
        /** A terminal state was read: nothing follows it. */
        TERMINAL,
        /** The end of the journal came first: the message is not final yet (or its last state is still in the ring). */
        OPEN,
        /** The document bound came first: later states may exist. */
        CUT
    }

    /**
     * One journaled state change.
     *
     * @param address where a fallback moved by this change goes on its channel when it was re-addressed (a directory
     *                recipient's phone instead of their chat key), else null: the ACCEPTED record's recipient.
     */
    public record Change(long atMs, DeliveryState state, int attempts, byte channel, short reason, String address)
    {
    }

    /** A receipt that came after the receipt deadline moved the message to its fallback channel. */
    public record LateReceipt(long atMs, DeliveryState state, byte channel, short reason)
    {
    }

    public final AcceptedRecord accepted = new AcceptedRecord();
    public final List<Change> changes = new ArrayList<>();
    public final List<LateReceipt> lateReceipts = new ArrayList<>();
    public End end = End.NOT_FOUND;
    /** Documents read after the ACCEPTED record. */
    public long documentsRead;
}
