package io.dispatch.client.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * Streams RFC 4180 records from a reader: comma-separated fields, a field in double quotes may hold commas, line
 * breaks and doubled quotes ({@code ""}); records end at CRLF, LF or CR. Tracks the physical line where each
 * record starts, counting the line breaks inside quoted fields, so problems are reported where an editor shows
 * them. A malformed record is reported ({@link #problem()}) and skipped up to the end of its line.
 * <p>
 * <b>Note:</b> not thread-safe.
 */
final class CsvReader
{
    static final int EOF = -1;
    static final int RECORD = 0;
    static final int BAD = 1;

    private final Reader in;
    private final char[] buf = new char[64 * 1024];
    private final StringBuilder field = new StringBuilder();
    private int pos;
    private int limit;
    private long line = 1;
    private long recordLine;
    private String problem;

    CsvReader(final Reader in)
    {
        this.in = in;
    }

    /**
     * Reads the next record into {@code fields} (cleared first).
     *
     * @return {@link #RECORD}, {@link #BAD} (see {@link #problem()}) or {@link #EOF}.
     */
    int next(final List<String> fields) throws IOException
    {
        fields.clear();
        problem = null;
        int c = read();
        if (c < 0)
        {
            return EOF;
        }
        recordLine = line;
        while (true)
        {
            field.setLength(0);
            if (c == '"')
            {
                final long quoteLine = line;
                while (true)
                {
                    c = read();
                    if (c < 0)
                    {
                        problem = "quoted field opened on line " + quoteLine + " is never closed";
                        return BAD;
                    }
                    if (c == '"')
                    {
                        c = read();
                        if (c != '"')
                        {
                            break;
                        }
                    }
                    else if (c == '\r' || c == '\n')
                    {
                        c = lineBreak(c);
                    }
                    field.append((char)c);
                }
                if (c >= 0 && c != ',' && c != '\r' && c != '\n')
                {
                    problem = "text after a closing quote in field " + (fields.size() + 1);
                    skipLine(c);
                    return BAD;
                }
            }
            else
            {
                while (c >= 0 && c != ',' && c != '\r' && c != '\n')
                {
                    if (c == '"')
                    {
                        problem = "quote inside unquoted field " + (fields.size() + 1) + " (quote the whole field)";
                        skipLine(c);
                        return BAD;
                    }
                    field.append((char)c);
                    c = read();
                }
            }
            fields.add(field.toString());
            if (c == ',')
            {
                c = read();
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                lineBreak(c);
            }
            return RECORD;
        }
    }

    /** @return the line the last record (or bad record) starts on, 1-based. */
    long recordLine()
    {
        return recordLine;
    }

    String problem()
    {
        return problem;
    }

    /** Consumes a line break started by {@code c} (CRLF counts once) and returns '\n'. */
    private int lineBreak(final int c) throws IOException
    {
        if (c == '\r' && peek() == '\n')
        {
            pos++;
        }
        line++;
        return '\n';
    }

    private void skipLine(final int first) throws IOException
    {
        int c = first;
        while (c >= 0 && c != '\r' && c != '\n')
        {
            c = read();
        }
        if (c >= 0)
        {
            lineBreak(c);
        }
    }

    private int read() throws IOException
    {
        if (pos == limit && !fill())
        {
            return -1;
        }
        return buf[pos++];
    }

    private int peek() throws IOException
    {
        if (pos == limit && !fill())
        {
            return -1;
        }
        return buf[pos];
    }

    private boolean fill() throws IOException
    {
        final int n = in.read(buf, 0, buf.length);
        if (n <= 0)
        {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
