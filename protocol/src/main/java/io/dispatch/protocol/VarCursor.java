package io.dispatch.protocol;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Walks the variables of a validated SUBMIT body in place: {@code varCount x (str8 name, str16 value)}
 * ({@link SubmitDescriptor}). The one reader of that section; reusable, allocation-free.
 *
 * <pre>{@code
 * final VarCursor vars = submit.vars();
 * while (vars.next())
 * {
 *     ... vars.nameOffset(), vars.nameLength(), vars.valueOffset(), vars.valueLength() in submit.buffer() ...
 * }
 * }</pre>
 */
public final class VarCursor
{
    private DirectBuffer buffer;
    private int next;
    private int remaining;
    private int nameOffset;
    private int nameLength;
    private int valueOffset;
    private int valueLength;

    /** Rewinds to before the first variable of {@code submit}, which must have passed {@code validate}. */
    public VarCursor wrap(final SubmitFlyweight submit)
    {
        buffer = submit.buffer();
        next = submit.varsOffset();
        remaining = submit.varCount();
        nameOffset = nameLength = valueOffset = valueLength = 0;
        return this;
    }

    /** @return false when there is no further variable. */
    public boolean next()
    {
        if (remaining == 0)
        {
            return false;
        }
        remaining--;
        nameLength = buffer.getByte(next) & 0xFF;
        nameOffset = next + 1;
        final int valueLengthAt = nameOffset + nameLength;
        valueLength = buffer.getShort(valueLengthAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        valueOffset = valueLengthAt + 2;
        next = valueOffset + valueLength;
        return true;
    }

    /**
     * Advances to the next variable named {@code name} (UTF-8 bytes).
     *
     * @return false when no variable after the current one has that name.
     */
    public boolean find(final byte[] name)
    {
        while (next())
        {
            if (nameEquals(name))
            {
                return true;
            }
        }
        return false;
    }

    /** @return true when the current variable's name is exactly {@code name} (UTF-8 bytes). */
    public boolean nameEquals(final byte[] name)
    {
        if (nameLength != name.length)
        {
            return false;
        }
        for (int i = 0; i < nameLength; i++)
        {
            if (buffer.getByte(nameOffset + i) != name[i])
            {
                return false;
            }
        }
        return true;
    }

    public DirectBuffer buffer() { return buffer; }
    public int nameOffset() { return nameOffset; }
    public int nameLength() { return nameLength; }
    public int valueOffset() { return valueOffset; }
    public int valueLength() { return valueLength; }

    /** @return the current variable's name (allocates: for connectors building requests, not the ingest path). */
    public String name()
    {
        return buffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
    }

    /** @return the current variable's value (allocates). */
    public String value()
    {
        return buffer.getStringWithoutLengthUtf8(valueOffset, valueLength);
    }
}
