package io.dispatch.client.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** CSV import records: a header line naming the {@link Column}s (any order, {@code id} required), then one row each. */
final class CsvRowSource implements RowSource
{
    private final CsvReader csv;
    private final List<Column> columns = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();

    /**
     * Reads the header.
     *
     * @throws IllegalArgumentException when the header is missing, unknown, repeated or lacks {@code id}.
     */
    CsvRowSource(final Reader in) throws IOException
    {
        csv = new CsvReader(in);
        final int status = csv.next(fields);
        if (status == CsvReader.EOF)
        {
            throw new IllegalArgumentException("the file is empty: the first line must be the header");
        }
        if (status == CsvReader.BAD)
        {
            throw new IllegalArgumentException("header: " + csv.problem());
        }
        final Set<String> seen = new HashSet<>();
        for (final String label : fields)
        {
            final String trimmed = label.trim();
            if (!seen.add(trimmed))
            {
                throw new IllegalArgumentException("header: column '" + trimmed + "' given twice");
            }
            columns.add(Column.parse(trimmed));
        }
        if (!seen.contains("id"))
        {
            throw new IllegalArgumentException("header: the id column is required");
        }
    }

    @Override
    public ImportRow next() throws IOException
    {
        while (true)
        {
            final int status = csv.next(fields);
            if (status == CsvReader.EOF)
            {
                return null;
            }
            final long line = csv.recordLine();
            if (status == CsvReader.BAD)
            {
                return ImportRow.bad(line, csv.problem());
            }
            if (fields.size() == 1 && fields.get(0).isEmpty())
            {
                continue;
            }
            if (fields.size() != columns.size())
            {
                return ImportRow.bad(line, fields.size() + " fields, the header has " + columns.size());
            }
            for (final String f : fields)
            {
                if (f.indexOf(REPLACEMENT) >= 0)
                {
                    return ImportRow.bad(line, INVALID_UTF8);
                }
            }
            return new ImportRow(line, columns, new ArrayList<>(fields), null);
        }
    }
}
