package io.dispatch.status;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntToLongFunction;
import java.util.function.LongToIntFunction;

/**
 * The status table's state methods: what an ACCEPTED and a STATE record change in a message's status. The status
 * stage calls them live and {@code io.dispatch.journal.JournalReplayer} calls them at a start and in a snapshot fold, so the table is
 * built one way (docs/design/recovery.md). Implemented by {@code io.dispatch.status.StatusTable}.
 */
public interface StatusState
{
    /**
     * A journaled message: its slot holds ACCEPTED, then the state its acceptance decided (DEFERRED until
     * {@code dueAtMs}, or SUPPRESSED), as its ACCEPTED record says.
     *
     * @param sessionRef   the session to route its receipts to, 0 when none (a replay).
     * @param campaignSlot its campaign's stats slot, 0 when none.
     * @return the message's slot.
     */
    int onAccepted(long messageId, long acceptedAtMs, byte channel, byte kind, int tenantId, int sessionRef,
        int campaignSlot, byte decision, short reason, long dueAtMs);

    /**
     * A later state of the message in {@code slot} ({@link #find}).
     *
     * @param attempts the attempt count the record reports, 0 to keep the recorded one (receipts do not know it).
     * @param channel  the channel the change happened on (a fallback's names the new one), 0 to keep the recorded one.
     */
    void onState(int slot, byte state, byte attempts, short reason, long atMs, byte channel);

    /** @return the slot of {@code messageId}, or -1 when unknown or evicted. */
    int find(long messageId);

    byte channel(int slot);

    int tenant(int slot);

    byte attempts(int slot);

    byte kind(int slot);

    int campaignSlot(int slot);

    void writeSnapshot(DataOutput out, IntToLongFunction campaignIdOfSlot) throws IOException;

    void readSnapshot(DataInput in, LongToIntFunction slotOfCampaign) throws IOException;
}
