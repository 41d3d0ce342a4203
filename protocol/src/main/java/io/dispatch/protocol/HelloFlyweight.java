package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * HELLO body: the protocol versions the client speaks, then three str8 strings: the tenant, the API key and a client
 * name the engine only logs.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Min Version  |  Max Version  |           Reserved            |
 *  +---------------+---------------+-------------------------------+
 *  | Tenant Length |                 Tenant (UTF-8)               ...
 *  +---------------+-----------------------------------------------+
 *  | Key Length    |                 API Key (UTF-8)              ...
 *  +---------------+-----------------------------------------------+
 *  | Name Length   |               Client Name (UTF-8)            ...
 *  +---------------+-----------------------------------------------+
 * </pre>
 * Read once per connection, so the string accessors allocate.
 */
public final class HelloFlyweight extends BodyFlyweight
{
    public static final int MIN_VERSION_OFFSET = 0;
    public static final int MAX_VERSION_OFFSET = 1;
    public static final int RESERVED_OFFSET = 2;
    public static final int TENANT_LENGTH_OFFSET = 4;

    private int tenantAt;
    private int apiKeyAt;
    private int clientNameAt;

    public HelloFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /**
     * Checks the layout first, then that the client's versions include {@link FrameDescriptor#CURRENT_VERSION}.
     *
     * @return null when valid, else {@link ErrorCode#MALFORMED_FRAME} or {@link ErrorCode#UNSUPPORTED_VERSION},
     * with {@link #problem()}.
     */
    public ErrorCode validate()
    {
        if (length < TENANT_LENGTH_OFFSET)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "HELLO body shorter than 4 bytes");
        }
        final int end = offset + length;
        tenantAt = offset + TENANT_LENGTH_OFFSET;
        apiKeyAt = nextStr8(tenantAt, end);
        clientNameAt = nextStr8(apiKeyAt, end);
        if (nextStr8(clientNameAt, end) < 0)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "HELLO truncated");
        }
        final int min = minVersion();
        final int max = maxVersion();
        if (min > FrameDescriptor.CURRENT_VERSION || max < FrameDescriptor.CURRENT_VERSION)
        {
            return fail(ErrorCode.UNSUPPORTED_VERSION, "client speaks " + min + ".." + max + "; this server speaks " +
                FrameDescriptor.VERSION_1 + ".." + FrameDescriptor.CURRENT_VERSION);
        }
        return null;
    }

    /** @return the offset after the str8 at {@code at}, or -1 when it (or an earlier one) runs past {@code end}. */
    private int nextStr8(final int at, final int end)
    {
        if (at < 0 || at >= end || at + 1 + u8(at) > end)
        {
            return -1;
        }
        return at + 1 + u8(at);
    }

    public int minVersion()
    {
        return u8(offset + MIN_VERSION_OFFSET);
    }

    public int maxVersion()
    {
        return u8(offset + MAX_VERSION_OFFSET);
    }

    public String tenant()
    {
        return str8(tenantAt);
    }

    public String apiKey()
    {
        return str8(apiKeyAt);
    }

    public String clientName()
    {
        return str8(clientNameAt);
    }

    private String str8(final int at)
    {
        return buffer.getStringWithoutLengthUtf8(at + 1, u8(at));
    }

    public HelloFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** Writes the fixed part; the tenant, the key and the client name follow, in that order. */
    public HelloFlyweight versions(final int minVersion, final int maxVersion)
    {
        mutableBuffer.putByte(offset + MIN_VERSION_OFFSET, (byte)minVersion);
        mutableBuffer.putByte(offset + MAX_VERSION_OFFSET, (byte)maxVersion);
        mutableBuffer.putShort(offset + RESERVED_OFFSET, (short)0, LE);
        length = TENANT_LENGTH_OFFSET;
        return this;
    }

    public HelloFlyweight tenant(final String tenant)
    {
        tenantAt = putStr8(utf8(tenant));
        apiKeyAt = offset + length;
        return this;
    }

    public HelloFlyweight apiKey(final String apiKey)
    {
        putStr8(utf8(apiKey));
        clientNameAt = offset + length;
        return this;
    }

    public HelloFlyweight clientName(final String clientName)
    {
        putStr8(utf8(clientName));
        return this;
    }

    /** null is empty. */
    private static byte[] utf8(final String s)
    {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
