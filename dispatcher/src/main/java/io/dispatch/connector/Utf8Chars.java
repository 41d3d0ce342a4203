package io.dispatch.connector;

import org.agrona.DirectBuffer;

/** Compares UTF-8 bytes with a {@link CharSequence} in place, so a connector can test a name without a String. */
final class Utf8Chars
{
    private Utf8Chars()
    {
    }

    /**
     * @param b well-formed UTF-8 from {@code offset} for {@code length} bytes (every SUBMIT string is checked at
     *          ingest).
     * @return true when the bytes encode exactly the characters of {@code chars}.
     */
    static boolean equals(final DirectBuffer b, final int offset, final int length, final CharSequence chars)
    {
        final int end = offset + length;
        final int count = chars.length();
        int p = offset;
        int i = 0;
        while (p < end)
        {
            final int lead = b.getByte(p) & 0xFF;
            final int codePoint;
            if (lead < 0x80)
            {
                codePoint = lead;
                p += 1;
            }
            else if (lead < 0xE0)
            {
                codePoint = (lead & 0x1F) << 6 | next(b, p + 1);
                p += 2;
            }
            else if (lead < 0xF0)
            {
                codePoint = (lead & 0x0F) << 12 | next(b, p + 1) << 6 | next(b, p + 2);
                p += 3;
            }
            else
            {
                codePoint = (lead & 0x07) << 18 | next(b, p + 1) << 12 | next(b, p + 2) << 6 | next(b, p + 3);
                p += 4;
            }
            if (i >= count)
            {
                return false;
            }
            final char c = chars.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < count && Character.isLowSurrogate(chars.charAt(i + 1)))
            {
                if (Character.toCodePoint(c, chars.charAt(i + 1)) != codePoint)
                {
                    return false;
                }
                i += 2;
            }
            else
            {
                if (c != codePoint)
                {
                    return false;
                }
                i += 1;
            }
        }
        return i == count;
    }

    private static int next(final DirectBuffer b, final int index)
    {
        return b.getByte(index) & 0x3F;
    }
}
