package io.dispatch.protocol;

import org.agrona.DirectBuffer;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF,
 * no truncated sequence. In place and allocation-free, so the engine can check every string of a request.
 */
public final class Utf8
{
    private Utf8()
    {
    }

    /** @return true when {@code length} bytes from {@code offset} are well-formed UTF-8. */
    public static boolean isValid(final DirectBuffer b, final int offset, final int length)
    {
        return isValid(b, null, offset, length);
    }

    /** @return true when {@code length} bytes from {@code offset} are well-formed UTF-8. */
    public static boolean isValid(final byte[] b, final int offset, final int length)
    {
        return isValid(null, b, offset, length);
    }

    private static int at(final DirectBuffer buf, final byte[] array, final int index)
    {
        return (array != null ? array[index] : buf.getByte(index)) & 0xFF;
    }

    private static boolean isValid(final DirectBuffer buf, final byte[] array, final int offset, final int length)
    {
        final int end = offset + length;
        int p = offset;
        while (p < end)
        {
            final int b0 = at(buf, array, p);
            if (b0 < 0x80)
            {
                p++;
                continue;
            }
            final int extra;
            int min2 = 0x80;
            int max2 = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                extra = 1;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                extra = 2;
                if (b0 == 0xE0)
                {
                    min2 = 0xA0; // overlong
                }
                else if (b0 == 0xED)
                {
                    max2 = 0x9F; // surrogates
                }
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                extra = 3;
                if (b0 == 0xF0)
                {
                    min2 = 0x90; // overlong
                }
                else if (b0 == 0xF4)
                {
                    max2 = 0x8F; // above U+10FFFF
                }
            }
            else
            {
                return false; // a continuation byte first, C0/C1 (overlong), or F5..FF
            }
            if (p + extra >= end)
            {
                return false;
            }
            final int b1 = at(buf, array, p + 1);
            if (b1 < min2 || b1 > max2)
            {
                return false;
            }
            for (int i = 2; i <= extra; i++)
            {
                final int bi = at(buf, array, p + i);
                if (bi < 0x80 || bi > 0xBF)
                {
                    return false;
                }
            }
            p += 1 + extra;
        }
        return true;
    }
}
