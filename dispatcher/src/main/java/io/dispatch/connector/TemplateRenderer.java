package io.dispatch.connector;

import io.dispatch.protocol.SubmitFlyweight;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Fills {@code #{name}} placeholders from a SUBMIT's variables. Unknown names are left as they are. */
public final class TemplateRenderer
{
    private TemplateRenderer()
    {
    }

    public static String render(final String template, final SubmitFlyweight submit)
    {
        final StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length())
        {
            final int open = template.indexOf("#{", i);
            final int close = open < 0 ? -1 : template.indexOf('}', open + 2);
            if (open < 0 || close < 0)
            {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            final String name = template.substring(open + 2, close);
            final String value = variable(submit, name);
            out.append(value != null ? value : template.substring(open, close + 1));
            i = close + 1;
        }
        return out.toString();
    }

    /** @return the value of variable {@code name}, or null. */
    public static String variable(final SubmitFlyweight submit, final String name)
    {
        final ByteBuf b = submit.buffer();
        final byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int p = submit.varsOffset();
        for (int v = 0; v < submit.varCount(); v++)
        {
            final int nameLength = b.getUnsignedByte(p);
            final int nameOffset = p + 1;
            p = nameOffset + nameLength;
            final int valueLength = b.getUnsignedShortLE(p);
            final int valueOffset = p + 2;
            p = valueOffset + valueLength;
            if (nameLength == wanted.length && equalsAt(b, nameOffset, wanted))
            {
                return b.toString(valueOffset, valueLength, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static boolean equalsAt(final ByteBuf b, final int offset, final byte[] wanted)
    {
        for (int i = 0; i < wanted.length; i++)
        {
            if (b.getByte(offset + i) != wanted[i])
            {
                return false;
            }
        }
        return true;
    }
}
