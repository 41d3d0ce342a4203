package io.dispatch.client.cli;

import java.io.IOException;

/** Streams the records of an import file, one at a time, never the whole file. Not thread-safe. */
interface RowSource
{
    /** @return the next record (possibly a bad one), or null at the end of the file. */
    ImportRow next() throws IOException;

    /** Text the decoder could not read as UTF-8 becomes U+FFFD: a record holding one is reported, not imported. */
    char REPLACEMENT = '\uFFFD';

    String INVALID_UTF8 = "invalid UTF-8 in the record";
}
