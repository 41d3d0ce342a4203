package io.dispatch.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A client's CANCEL of a cluster id, forwarded by the node it reached to the message's own partition of the cluster
 * topic: the owner reads it after the message, in order ({@link ClusterCancels}).
 * <p>
 * Value, little-endian: u8 marker {@link #MARKER} (a SUBMIT record starts with its version, 1), i64 cluster id,
 * i64 origin node, i64 request, u8 tenant name length, tenant name.
 */
final class CancelRecords
{
    static final byte MARKER = (byte)0xCA;
    static final int FIXED = 1 + 8 + 8 + 8 + 1;

    private CancelRecords()
    {
    }

    static boolean isCancel(final byte[] value)
    {
        return value != null && value.length > 0 && value[0] == MARKER;
    }

    static byte[] value(final long clusterId, final long origin, final long request, final byte[] tenantName)
    {
        final ByteBuffer b = ByteBuffer.allocate(FIXED + tenantName.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MARKER).putLong(clusterId).putLong(origin).putLong(request).put((byte)tenantName.length).put(tenantName);
        return b.array();
    }

    /** A decoded value; fields valid until the next {@link #wrap}. */
    static final class Decoded
    {
        long clusterId;
        long origin;
        long request;
        String tenant;

        /** @return null when well formed, else what is wrong. */
        String wrap(final byte[] value)
        {
            if (value.length < FIXED || value.length != FIXED + (value[FIXED - 1] & 0xFF))
            {
                return "cancel record of " + value.length + " bytes";
            }
            final ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            clusterId = b.getLong(1);
            origin = b.getLong(9);
            request = b.getLong(17);
            tenant = new String(value, FIXED, value[FIXED - 1] & 0xFF, StandardCharsets.UTF_8);
            return null;
        }
    }
}
