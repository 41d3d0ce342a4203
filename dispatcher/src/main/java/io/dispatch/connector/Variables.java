package io.dispatch.connector;

import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.protocol.VarCursor;
import org.agrona.DirectBuffer;

/**
 * The variables of a {@link DeliveryRequest}, name and value pairs in submit order, read in place: one reusable
 * view per request, so a walk allocates nothing unless the connector asks for a {@link String}.
 *
 * <pre>{@code
 * final Variables vars = request.vars();     // rewound to before the first variable
 * while (vars.next())
 * {
 *     if (vars.nameEquals("push.title")) { title = vars.value(); }
 * }
 * final String url = request.vars().valueOf("image_url"); // null when the message has no such variable
 * }</pre>
 * Names and values are UTF-8 (checked at ingest); a name is 1 to 64 bytes, a value 0 to 1,000. The view is valid
 * until the request's callback, like the request.
 * <p>
 * <b>Note:</b> not thread-safe; one walk at a time ({@link DeliveryRequest#vars()} rewinds this same view).
 */
public final class Variables
{
    private final VarCursor cursor = new VarCursor();
    private SubmitFlyweight submit;

    /** Runtime use, through the request: rewinds to before the first variable of {@code submit} (validated). */
    Variables wrap(final SubmitFlyweight submit)
    {
        this.submit = submit;
        cursor.wrap(submit);
        return this;
    }

    /** @return how many variables the message has (0 to 40). */
    public int count()
    {
        return submit.varCount();
    }

    /** @return this view, rewound to before the first variable. */
    public Variables rewind()
    {
        cursor.wrap(submit);
        return this;
    }

    /** @return false when there is no further variable; otherwise the current one is the next. */
    public boolean next()
    {
        return cursor.next();
    }

    /**
     * Advances to the next variable named {@code name}.
     *
     * @return false when no variable after the current one has that name.
     */
    public boolean find(final CharSequence name)
    {
        while (cursor.next())
        {
            if (nameEquals(name))
            {
                return true;
            }
        }
        return false;
    }

    /** @return the value of the first variable named {@code name}, or null (allocates the value; rewinds first). */
    public String valueOf(final CharSequence name)
    {
        return rewind().find(name) ? value() : null;
    }

    /** @return true when the current variable's name is exactly {@code name}; compares in place. */
    public boolean nameEquals(final CharSequence name)
    {
        return Utf8Chars.equals(cursor.buffer(), cursor.nameOffset(), cursor.nameLength(), name);
    }

    /** @return true when the current variable's name is these UTF-8 bytes, from {@code offset} for {@code length}. */
    boolean nameEquals(final DirectBuffer name, final int offset, final int length)
    {
        if (length != cursor.nameLength())
        {
            return false;
        }
        final DirectBuffer b = cursor.buffer();
        final int at = cursor.nameOffset();
        for (int i = 0; i < length; i++)
        {
            if (b.getByte(at + i) != name.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return the current variable's name (allocates). */
    public String name()
    {
        return cursor.name();
    }

    /** @return the current variable's value (allocates). */
    public String value()
    {
        return cursor.value();
    }

    /** @return the length in bytes of the current variable's name. */
    public int nameLength()
    {
        return cursor.nameLength();
    }

    /** @return the length in bytes of the current variable's value. */
    public int valueLength()
    {
        return cursor.valueLength();
    }

    /** Points {@code view} (an {@code UnsafeBuffer}) at the current variable's name, UTF-8 bytes, without copying. */
    public void wrapName(final DirectBuffer view)
    {
        view.wrap(cursor.buffer(), cursor.nameOffset(), cursor.nameLength());
    }

    /** Points {@code view} (an {@code UnsafeBuffer}) at the current variable's value, UTF-8 bytes, without copying. */
    public void wrapValue(final DirectBuffer view)
    {
        view.wrap(cursor.buffer(), cursor.valueOffset(), cursor.valueLength());
    }
}
