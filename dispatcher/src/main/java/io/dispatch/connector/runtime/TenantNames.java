package io.dispatch.connector.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a journaled tenant name into the String a {@link io.dispatch.connector.DeliveryRequest} carries,
 * allocating only when the tenant changes from one message to the next (runs of one tenant's traffic
 * are the common case). <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class TenantNames
{
    private byte[] lastBytes = new byte[0];
    private String last = "";

    String of(final byte[] name, final int length)
    {
        if (length != lastBytes.length || !Arrays.equals(name, 0, length, lastBytes, 0, length))
        {
            lastBytes = Arrays.copyOf(name, length);
            last = new String(lastBytes, StandardCharsets.UTF_8);
        }
        return last;
    }
}
