package io.dispatch.client.cli;

import io.dispatch.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NDJSON import records: one JSON object per line with the CSV column names as keys, {@code tags} and
 * {@code push} as arrays, custom attributes under {@code "attributes"}. Blank lines are skipped.
 */
final class NdjsonRowSource implements RowSource
{
    private static final String ATTRIBUTES = "attributes";

    private final BufferedReader in;
    private long line;

    NdjsonRowSource(final BufferedReader in)
    {
        this.in = in;
    }

    @Override
    public ImportRow next() throws IOException
    {
        String text;
        do
        {
            text = in.readLine();
            line++;
            if (text == null)
            {
                return null;
            }
        }
        while (text.isBlank());
        if (text.indexOf(REPLACEMENT) >= 0)
        {
            return ImportRow.bad(line, INVALID_UTF8);
        }
        try
        {
            return row(Json.parseObject(text));
        }
        catch (final IllegalArgumentException ex)
        {
            return ImportRow.bad(line, ex.getMessage());
        }
    }

    private ImportRow row(final Map<String, Object> object)
    {
        final List<Column> columns = new ArrayList<>(object.size() + 4);
        final List<Object> values = new ArrayList<>(object.size() + 4);
        for (final Map.Entry<String, Object> e : object.entrySet())
        {
            if (!ATTRIBUTES.equals(e.getKey()))
            {
                columns.add(Column.parse(e.getKey()));
                values.add(e.getValue());
                continue;
            }
            if (e.getValue() == null)
            {
                continue;
            }
            if (!(e.getValue() instanceof Map))
            {
                throw new IllegalArgumentException("\"attributes\" must be an object");
            }
            for (final Map.Entry<?, ?> a : ((Map<?, ?>)e.getValue()).entrySet())
            {
                final Column column = Column.attribute((String)a.getKey(), a.getValue());
                if (column == null && a.getValue() != null)
                {
                    throw new IllegalArgumentException("attribute '" + a.getKey() + "' must be a string or an integer " +
                        "(or name it time:" + a.getKey() + ")");
                }
                if (column != null)
                {
                    columns.add(column);
                    values.add(a.getValue());
                }
            }
        }
        return new ImportRow(line, columns, values, null);
    }
}
