package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes SUBMIT bodies. Used by clients and tests; the engine only reads them. */
public final class SubmitEncoder
{
    private SubmitEncoder()
    {
    }

    /**
     * Appends one SUBMIT body at the writer index.
     *
     * @return the number of bytes written.
     */
    public static int encode(
        final ByteBuf out,
        final MessageKind kind,
        final ChannelType channel,
        final int ttlSeconds,
        final String idempotencyKey,
        final String recipient,
        final String templateId,
        final String text,
        final Map<String, String> vars)
    {
        final int start = out.writerIndex();
        out.writeByte(kind.code());
        out.writeByte(channel.code());
        out.writeShortLE(0);
        out.writeIntLE(ttlSeconds);
        out.writeLongLE(0L);
        writeStr8(out, idempotencyKey);
        writeStr8(out, recipient);
        writeStr8(out, templateId);
        writeStr16(out, text);
        final int count = vars == null ? 0 : vars.size();
        out.writeByte(count);
        if (vars != null)
        {
            for (final Map.Entry<String, String> e : vars.entrySet())
            {
                writeStr8(out, e.getKey());
                writeStr16(out, e.getValue());
            }
        }
        return out.writerIndex() - start;
    }

    public static void writeStr8(final ByteBuf out, final String s)
    {
        final byte[] bytes = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255)
        {
            throw new IllegalArgumentException("field longer than 255 bytes: " + bytes.length);
        }
        out.writeByte(bytes.length);
        out.writeBytes(bytes);
    }

    public static void writeStr16(final ByteBuf out, final String s)
    {
        final byte[] bytes = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 65535)
        {
            throw new IllegalArgumentException("field longer than 65535 bytes: " + bytes.length);
        }
        out.writeShortLE(bytes.length);
        out.writeBytes(bytes);
    }
}
