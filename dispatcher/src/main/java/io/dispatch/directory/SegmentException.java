package io.dispatch.directory;

/**
 * A segment expression that does not parse or does not fit the tenant's attributes. The message reads
 * "at 17: expected a number after 'between', found 'x'"; positions count characters from 1.
 */
public final class SegmentException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int position;
    private final String expected;
    private final String found;

    public SegmentException(final int position, final String expected, final String found)
    {
        super("at " + position + ": expected " + expected + ", found " + found);
        this.position = position;
        this.expected = expected;
        this.found = found;
    }

    /** 1-based character position of the offending token. */
    public int position()
    {
        return position;
    }

    public String expected()
    {
        return expected;
    }

    /** The offending token as written in quotes, or "end of input". */
    public String found()
    {
        return found;
    }
}
