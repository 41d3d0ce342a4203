package io.dispatch.cluster;

import io.dispatch.policy.RecipientKeys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How a SUBMIT travels on the cluster topic.
 * <p>
 * Key: the recipient key, tenant name + 0x00 + recipient address as the client wrote it. Kafka's partitioner
 * hashes it, so every message of one recipient of one tenant lands on one partition: the same key the engine's
 * frequency caps, directory and per-recipient order use. It is the tenant's <em>name</em>, not its numeric id,
 * because each node numbers its tenants in its own data dir.
 * <p>
 * Value, little-endian: u8 version (1), u8 tenant name length, tenant name, u8 kind, u8 channel, i64 sendAtMs,
 * then the SUBMIT body exactly as the ingest node left it (marketing already marked).
 */
final class ClusterRecords
{
    static final byte VERSION = 1;
    private static final int FIXED = 1 + 1 + 1 + 1 + 8;

    private ClusterRecords()
    {
    }

    static byte[] key(final byte[] tenantName, final byte[] body)
    {
        final int at = RecipientKeys.recipientAt(body);
        final int length = body[at] & 0xFF;
        final byte[] key = new byte[tenantName.length + 1 + length];
        System.arraycopy(tenantName, 0, key, 0, tenantName.length);
        System.arraycopy(body, at + 1, key, tenantName.length + 1, length);
        return key;
    }

    static byte[] value(final byte[] tenantName, final byte kind, final byte channel, final long sendAtMs,
        final byte[] body, final int bodyLength)
    {
        final ByteBuffer b = ByteBuffer.allocate(FIXED + tenantName.length + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put(VERSION).put((byte)tenantName.length).put(tenantName).put(kind).put(channel).putLong(sendAtMs);
        b.put(body, 0, bodyLength);
        return b.array();
    }

    /** A decoded value; the body stays in the record's array. Fields are valid until the next {@link #wrap}. */
    static final class Decoded
    {
        String tenant;
        byte kind;
        byte channel;
        long sendAtMs;
        byte[] bytes;
        int bodyOffset;
        int bodyLength;

        /** @return null when well formed, else what is wrong. */
        String wrap(final byte[] value)
        {
            if (value == null || value.length < FIXED)
            {
                return "value shorter than " + FIXED + " bytes";
            }
            if (value[0] != VERSION)
            {
                return "record version " + value[0] + " (this node reads " + VERSION + ")";
            }
            final int nameLength = value[1] & 0xFF;
            if (value.length < FIXED + nameLength)
            {
                return "tenant name runs past the value";
            }
            final ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            tenant = new String(value, 2, nameLength, StandardCharsets.UTF_8);
            kind = value[2 + nameLength];
            channel = value[3 + nameLength];
            sendAtMs = b.getLong(4 + nameLength);
            bytes = value;
            bodyOffset = FIXED + nameLength;
            bodyLength = value.length - bodyOffset;
            return null;
        }
    }
}
