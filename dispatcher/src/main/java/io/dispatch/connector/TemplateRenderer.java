package io.dispatch.connector;

import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fills the {@code #{name}} placeholders of a template from a SUBMIT's variables, UTF-8 bytes to UTF-8 bytes, into a
 * buffer the caller reuses: no allocation once that buffer has grown to the longest text. A placeholder whose name
 * is not a variable is left as it is, so the gap shows in what the recipient gets instead of vanishing.
 * <p>
 * <b>Note:</b> not thread-safe; one per {@link DeliveryRequest}.
 */
final class TemplateRenderer
{
    private final Variables vars = new Variables(); // its own walk: rendering never moves the connector's view
    private final UnsafeBuffer template = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[0]);

    /** @return the length of the text written to {@code out} from index 0. */
    int render(final byte[] text, final SubmitFlyweight submit, final MutableDirectBuffer out)
    {
        template.wrap(text);
        vars.wrap(submit);
        final int end = text.length;
        int length = 0;
        int i = 0;
        while (i < end)
        {
            final int open = indexOfOpen(text, i);
            final int close = open < 0 ? -1 : indexOf(text, (byte)'}', open + 2);
            if (open < 0 || close < 0)
            {
                out.putBytes(length, template, i, end - i);
                length += end - i;
                break;
            }
            out.putBytes(length, template, i, open - i);
            length += open - i;
            if (find(open + 2, close - open - 2))
            {
                vars.wrapValue(value);
                out.putBytes(length, value, 0, value.capacity());
                length += value.capacity();
            }
            else
            {
                out.putBytes(length, template, open, close + 1 - open);
                length += close + 1 - open;
            }
            i = close + 1;
        }
        return length;
    }

    /** The first variable with this name, as the message's sender would expect from a map. */
    private boolean find(final int nameOffset, final int nameLength)
    {
        vars.rewind();
        while (vars.next())
        {
            if (vars.nameEquals(template, nameOffset, nameLength))
            {
                return true;
            }
        }
        return false;
    }

    private static int indexOfOpen(final byte[] text, final int from)
    {
        for (int i = from; i < text.length - 1; i++)
        {
            if (text[i] == '#' && text[i + 1] == '{')
            {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(final byte[] text, final byte b, final int from)
    {
        for (int i = from; i < text.length; i++)
        {
            if (text[i] == b)
            {
                return i;
            }
        }
        return -1;
    }
}
