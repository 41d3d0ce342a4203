package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;

import static io.dispatch.journal.AcceptedRecordDescriptor.ACCEPTED_AT_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.BODY_LENGTH_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.CAMPAIGN_ID_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.CHANNEL_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.CONSENT_OVERRIDE_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.DECISION_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.DUE_AT_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.KEY_HASH_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.KIND_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.PREPAID_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.REASON_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.SOURCE_ID_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.TENANT_NAME_LENGTH_OFFSET;
import static io.dispatch.journal.AcceptedRecordDescriptor.TTL_OFFSET;

/** A reusable holder for one ACCEPTED record ({@link AcceptedRecordDescriptor}). <b>Note:</b> not thread-safe. */
public final class AcceptedRecord
{
    public byte kind;
    public byte channel;
    public int ttlSeconds;
    public long acceptedAtMs;
    public long keyHash;
    public final byte[] tenantName = new byte[255];
    public int tenantNameLength;
    public byte[] body = new byte[512];
    public int bodyLength;
    public byte decision;
    public boolean prepaid;
    public short reason;
    public long dueAtMs;
    /** Campaign messages (type 5): the campaign id and the directory's consent flags; else 0 and -1. */
    public long campaignId;
    public int consentOverride = -1;
    /** A message fed from the cluster log (type 25): the id it was accepted under there (its cluster id); else 0. */
    public long sourceId;

    /**
     * Reads the record whose type byte {@code b} has just read, at the {@link AcceptedRecordDescriptor} offsets;
     * leaves {@code b} after the body.
     */
    void read(final Bytes<?> b, final byte type)
    {
        final long start = b.readPosition() - 1;
        kind = b.readByte(start + KIND_OFFSET);
        channel = b.readByte(start + CHANNEL_OFFSET);
        tenantNameLength = b.readUnsignedByte(start + TENANT_NAME_LENGTH_OFFSET);
        ttlSeconds = b.readInt(start + TTL_OFFSET);
        acceptedAtMs = b.readLong(start + ACCEPTED_AT_OFFSET);
        keyHash = b.readLong(start + KEY_HASH_OFFSET);
        bodyLength = b.readUnsignedShort(start + BODY_LENGTH_OFFSET);
        final boolean decided = type != JournalRecord.TYPE_ACCEPTED; // the spine's records carry no decision: SEND
        decision = decided ? b.readByte(start + DECISION_OFFSET) : 0;
        prepaid = decided && b.readByte(start + PREPAID_OFFSET) != 0;
        reason = decided ? b.readShort(start + REASON_OFFSET) : 0;
        dueAtMs = decided ? b.readLong(start + DUE_AT_OFFSET) : 0;
        final boolean campaign = type == JournalRecord.TYPE_ACCEPTED_CAMPAIGN;
        campaignId = campaign ? b.readLong(start + CAMPAIGN_ID_OFFSET) : 0;
        consentOverride = campaign ? b.readInt(start + CONSENT_OVERRIDE_OFFSET) : -1;
        sourceId = type == JournalRecord.TYPE_ACCEPTED_FED ? b.readLong(start + SOURCE_ID_OFFSET) : 0;
        b.readPosition(start + AcceptedRecordDescriptor.fixedLength(type));
        b.read(tenantName, 0, tenantNameLength);
        if (body.length < bodyLength)
        {
            body = new byte[Integer.highestOneBit(bodyLength - 1) << 1];
        }
        b.read(body, 0, bodyLength);
    }

    public String tenant()
    {
        return new String(tenantName, 0, tenantNameLength, java.nio.charset.StandardCharsets.UTF_8);
    }
}
