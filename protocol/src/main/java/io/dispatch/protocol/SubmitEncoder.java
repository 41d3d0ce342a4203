package io.dispatch.protocol;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes SUBMIT bodies from strings, through {@link SubmitFlyweight}'s encoder. For clients and tests: it allocates
 * the UTF-8 bytes of each string; the engine's own writer (a campaign's fan-out) uses the flyweight directly.
 */
public final class SubmitEncoder
{
    private SubmitEncoder()
    {
    }

    /**
     * Writes one SUBMIT body at {@code offset}.
     *
     * @return the number of bytes written.
     */
    public static int encode(
        final MutableDirectBuffer out,
        final int offset,
        final MessageKind kind,
        final ChannelType channel,
        final int ttlSeconds,
        final String idempotencyKey,
        final String recipient,
        final String templateId,
        final String text,
        final Map<String, String> vars)
    {
        final SubmitFlyweight submit = new SubmitFlyweight().wrapForEncode(out, offset)
            .kindCode(kind.code())
            .channelCode(channel.code())
            .ttlSeconds(ttlSeconds);
        final UnsafeBuffer key = str8(idempotencyKey);
        submit.idempotencyKey(key, 0, key.capacity());
        final UnsafeBuffer address = str8(recipient);
        submit.recipient(address, 0, address.capacity());
        final UnsafeBuffer template = str8(templateId);
        submit.templateId(template, 0, template.capacity());
        final UnsafeBuffer body = str16(text);
        submit.text(body, 0, body.capacity());
        submit.varCount(vars == null ? 0 : vars.size());
        if (vars != null)
        {
            for (final Map.Entry<String, String> e : vars.entrySet())
            {
                final UnsafeBuffer name = str8(e.getKey());
                submit.varName(name, 0, name.capacity());
                final UnsafeBuffer value = str16(e.getValue());
                submit.varValue(value, 0, value.capacity());
            }
        }
        return submit.encodedLength();
    }

    /**
     * Writes {@code s} as a str8 (u8 length, UTF-8 bytes; null is empty) at {@code offset}.
     *
     * @return the offset after it.
     */
    public static int writeStr8(final MutableDirectBuffer out, final int offset, final String s)
    {
        final UnsafeBuffer bytes = str8(s);
        out.putByte(offset, (byte)bytes.capacity());
        out.putBytes(offset + 1, bytes, 0, bytes.capacity());
        return offset + 1 + bytes.capacity();
    }

    /**
     * Writes {@code s} as a str16 (u16 length, UTF-8 bytes; null is empty) at {@code offset}.
     *
     * @return the offset after it.
     */
    public static int writeStr16(final MutableDirectBuffer out, final int offset, final String s)
    {
        final UnsafeBuffer bytes = str16(s);
        out.putShort(offset, (short)bytes.capacity(), ByteOrder.LITTLE_ENDIAN);
        out.putBytes(offset + 2, bytes, 0, bytes.capacity());
        return offset + 2 + bytes.capacity();
    }

    private static UnsafeBuffer str8(final String s)
    {
        return bytes(s, 255);
    }

    private static UnsafeBuffer str16(final String s)
    {
        return bytes(s, 65535);
    }

    private static UnsafeBuffer bytes(final String s, final int max)
    {
        final byte[] bytes = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > max)
        {
            throw new IllegalArgumentException("field longer than " + max + " bytes: " + bytes.length);
        }
        return new UnsafeBuffer(bytes);
    }
}
