package io.dispatch.client.cli;

import java.util.List;

/**
 * One record of an import file: where it starts and either its values by column or why it could not be read.
 *
 * @param line    the 1-based line the record starts on.
 * @param columns what each value is (CSV: the header's columns; NDJSON: the object's keys).
 * @param values  the values, parallel to {@code columns}: strings from CSV; strings, longs, lists from NDJSON.
 * @param problem null, or why the record is bad (it is then skipped).
 */
record ImportRow(long line, List<Column> columns, List<Object> values, String problem)
{
    static ImportRow bad(final long line, final String problem)
    {
        return new ImportRow(line, List.of(), List.of(), problem);
    }
}
