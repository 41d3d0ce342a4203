package io.dispatch.journal;

import net.openhft.chronicle.bytes.Bytes;

/** A reusable holder for one ACCEPTED record. <b>Note:</b> not thread-safe. */
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

    void read(final Bytes<?> b, final byte type)
    {
        kind = b.readByte();
        channel = b.readByte();
        tenantNameLength = b.readUnsignedByte();
        ttlSeconds = b.readInt();
        acceptedAtMs = b.readLong();
        keyHash = b.readLong();
        bodyLength = b.readUnsignedShort();
        if (type != JournalRecord.TYPE_ACCEPTED)
        {
            decision = b.readByte();
            prepaid = b.readByte() != 0;
            reason = b.readShort();
            dueAtMs = b.readLong();
        }
        else
        {
            decision = 0;
            prepaid = false;
            reason = 0;
            dueAtMs = 0;
        }
        if (type == JournalRecord.TYPE_ACCEPTED_CAMPAIGN)
        {
            campaignId = b.readLong();
            consentOverride = b.readInt();
        }
        else
        {
            campaignId = 0;
            consentOverride = -1;
        }
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
