package io.dispatch.config;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The marking the law requires on advertising (정보통신망법 §50④, NHN ad-SMS rules, DOMAIN.md §5): the text
 * starts with {@code (광고)} and carries a free opt-out notice ({@code 무료수신거부} or {@code 무료거부} followed by
 * a number). Checks work on UTF-8 bytes in place; {@link #addTo} writes the marked text without allocating.
 */
public final class AdMarking
{
    public static final byte[] PREFIX = "(광고)".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OPT_OUT = "무료수신거부".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OPT_OUT_SHORT = "무료거부".getBytes(StandardCharsets.UTF_8);
    private static final byte NEWLINE = '\n';

    private AdMarking()
    {
    }

    public static boolean hasPrefix(final ByteBuf b, final int offset, final int length)
    {
        if (length < PREFIX.length)
        {
            return false;
        }
        for (int i = 0; i < PREFIX.length; i++)
        {
            if (b.getByte(offset + i) != PREFIX[i])
            {
                return false;
            }
        }
        return true;
    }

    public static boolean hasOptOut(final ByteBuf b, final int offset, final int length)
    {
        return indexOf(b, offset, length, OPT_OUT) >= 0 || indexOf(b, offset, length, OPT_OUT_SHORT) >= 0;
    }

    public static boolean isMarked(final ByteBuf b, final int offset, final int length)
    {
        return hasPrefix(b, offset, length) && hasOptOut(b, offset, length);
    }

    /** @return true when {@code footer} is a valid opt-out notice (it names 무료수신거부 or 무료거부). */
    public static boolean isOptOutFooter(final byte[] footer)
    {
        final ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(footer);
        return hasOptOut(b, 0, footer.length);
    }

    /** @return the length of the marked text for {@link #addTo}. */
    public static int markedLength(final ByteBuf b, final int offset, final int length, final byte[] footer)
    {
        return length + (hasPrefix(b, offset, length) ? 0 : PREFIX.length) +
            (hasOptOut(b, offset, length) ? 0 : 1 + footer.length);
    }

    /** Writes {@code (광고)} (if missing), the text, and a new line plus {@code footer} (if no opt-out notice). */
    public static int addTo(final byte[] out, final int at, final ByteBuf b, final int offset, final int length,
        final byte[] footer)
    {
        int p = at;
        if (!hasPrefix(b, offset, length))
        {
            System.arraycopy(PREFIX, 0, out, p, PREFIX.length);
            p += PREFIX.length;
        }
        b.getBytes(offset, out, p, length);
        p += length;
        if (!hasOptOut(b, offset, length))
        {
            out[p++] = NEWLINE;
            System.arraycopy(footer, 0, out, p, footer.length);
            p += footer.length;
        }
        return p - at;
    }

    private static int indexOf(final ByteBuf b, final int offset, final int length, final byte[] needle)
    {
        final int last = offset + length - needle.length;
        outer:
        for (int i = offset; i <= last; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (b.getByte(i + j) != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
