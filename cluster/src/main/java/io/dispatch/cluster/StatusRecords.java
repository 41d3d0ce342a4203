package io.dispatch.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How the owners of messages tell every node what happened to them: the values of the status topic
 * ({@code cluster.statusTopic}), read by every node ({@link StatusFollower}).
 * <p>
 * Value, little-endian: u8 type, i64 id, i64 origin, u8 state, u8 attempts, i16 reason, i64 atMs, u8 channel, u8 kind,
 * u8 tenant name length, tenant name.
 * <ul>
 *   <li>{@link #STATE}: a state change of message {@code id}. {@code origin} 0: a cluster id, for every node; else a
 *       message accepted by node {@code origin} itself (a campaign's), under that node's local id, for it alone.</li>
 *   <li>{@link #CANCEL_RESULT}: the owner's answer to the CANCEL of cluster id {@code id} that node {@code origin}
 *       forwarded as request {@code atMs}: {@code state} is the CANCEL_RESULT value, or {@link #CANCEL_UNKNOWN}.</li>
 *   <li>Types 3 and 4, a history request and its answer, have layouts of their own ({@link ClusterHistory}).</li>
 * </ul>
 */
final class StatusRecords
{
    static final byte STATE = 1;
    static final byte CANCEL_RESULT = 2;
    /** The owner holds no message under that id (not yet taken, or older than its status table). */
    static final byte CANCEL_UNKNOWN = 2;
    static final int FIXED = 1 + 8 + 8 + 1 + 1 + 2 + 8 + 1 + 1 + 1;

    private StatusRecords()
    {
    }

    static byte[] value(final byte type, final long id, final long origin, final byte state, final byte attempts,
        final short reason, final long atMs, final byte channel, final byte kind, final byte[] tenantName)
    {
        final ByteBuffer b = ByteBuffer.allocate(FIXED + tenantName.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(type).putLong(id).putLong(origin).put(state).put(attempts).putShort(reason).putLong(atMs).put(channel)
            .put(kind).put((byte)tenantName.length).put(tenantName);
        return b.array();
    }

    /** A decoded value. Fields are valid until the next {@link #wrap}. */
    static final class Decoded
    {
        byte type;
        long id;
        long origin;
        byte state;
        byte attempts;
        short reason;
        long atMs;
        byte channel;
        byte kind;
        String tenant;

        /** @return null when well formed, else what is wrong. */
        String wrap(final byte[] value)
        {
            if (value == null || value.length < FIXED)
            {
                return "status value shorter than " + FIXED + " bytes";
            }
            final ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            type = b.get();
            if (type != STATE && type != CANCEL_RESULT)
            {
                return "status record type " + type + " (this node reads 1 and 2)";
            }
            id = b.getLong();
            origin = b.getLong();
            state = b.get();
            attempts = b.get();
            reason = b.getShort();
            atMs = b.getLong();
            channel = b.get();
            kind = b.get();
            final int nameLength = b.get() & 0xFF;
            if (value.length != FIXED + nameLength)
            {
                return "tenant name length " + nameLength + " does not match the value";
            }
            tenant = new String(value, FIXED, nameLength, StandardCharsets.UTF_8);
            return null;
        }
    }
}
