package io.dispatch.load;

import java.util.Locale;

/**
 * A minimal pretty-printing JSON builder (objects, arrays, strings, numbers, booleans, null): the report needs
 * no more, and the module stays free of a JSON library. Misuse (a value where a name is due) throws.
 * <p>
 * <b>Threading:</b> not thread-safe; one per document.
 */
public final class JsonWriter
{
    private static final int MAX_DEPTH = 32;

    private final StringBuilder out = new StringBuilder(2048);
    private final boolean[] hasMembers = new boolean[MAX_DEPTH];
    private final boolean[] isArray = new boolean[MAX_DEPTH];
    private int depth = -1;
    private boolean nameWritten;

    public JsonWriter beginObject()
    {
        if (depth + 1 >= MAX_DEPTH)
        {
            throw new IllegalStateException("nesting deeper than " + MAX_DEPTH);
        }
        beforeValue();
        out.append('{');
        depth++;
        hasMembers[depth] = false;
        isArray[depth] = false;
        return this;
    }

    public JsonWriter beginArray()
    {
        if (depth + 1 >= MAX_DEPTH)
        {
            throw new IllegalStateException("nesting deeper than " + MAX_DEPTH);
        }
        beforeValue();
        out.append('[');
        depth++;
        hasMembers[depth] = false;
        isArray[depth] = true;
        return this;
    }

    public JsonWriter endArray()
    {
        if (depth < 0 || !isArray[depth])
        {
            throw new IllegalStateException("endArray without a matching beginArray");
        }
        final boolean any = hasMembers[depth];
        depth--;
        if (any)
        {
            newline();
        }
        out.append(']');
        return this;
    }

    public JsonWriter endObject()
    {
        if (depth < 0 || nameWritten || isArray[depth])
        {
            throw new IllegalStateException("endObject without a matching beginObject, or after a name");
        }
        final boolean any = hasMembers[depth];
        depth--;
        if (any)
        {
            newline();
        }
        out.append('}');
        return this;
    }

    public JsonWriter name(final String name)
    {
        if (depth < 0 || nameWritten || isArray[depth])
        {
            throw new IllegalStateException("name '" + name + "' outside an object or after another name");
        }
        if (hasMembers[depth])
        {
            out.append(',');
        }
        hasMembers[depth] = true;
        newline();
        string(name);
        out.append(": ");
        nameWritten = true;
        return this;
    }

    public JsonWriter value(final String value)
    {
        beforeValue();
        if (value == null)
        {
            out.append("null");
        }
        else
        {
            string(value);
        }
        return this;
    }

    public JsonWriter value(final long value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(final double value)
    {
        beforeValue();
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            out.append("null");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(String.format(Locale.ROOT, "%.3f", value));
        }
        return this;
    }

    public JsonWriter value(final boolean value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue()
    {
        beforeValue();
        out.append("null");
        return this;
    }

    /** Shorthands for a member. */
    public JsonWriter field(final String name, final String value) { return name(name).value(value); }
    public JsonWriter field(final String name, final long value) { return name(name).value(value); }
    public JsonWriter field(final String name, final double value) { return name(name).value(value); }
    public JsonWriter field(final String name, final boolean value) { return name(name).value(value); }

    @Override
    public String toString()
    {
        if (depth >= 0)
        {
            throw new IllegalStateException("unclosed object");
        }
        return out.toString();
    }

    private void beforeValue()
    {
        if (depth >= 0 && isArray[depth])
        {
            // Array elements: a separator and a line each, no name.
            if (hasMembers[depth])
            {
                out.append(',');
            }
            hasMembers[depth] = true;
            newline();
            return;
        }
        if (depth >= 0 && !nameWritten)
        {
            throw new IllegalStateException("a value inside an object needs a name first");
        }
        nameWritten = false;
    }

    private void newline()
    {
        out.append('\n');
        for (int i = 0; i <= depth; i++)
        {
            out.append("  ");
        }
    }

    private void string(final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
