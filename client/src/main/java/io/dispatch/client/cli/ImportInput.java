package io.dispatch.client.cli;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An import file opened for streaming: UTF-8 (bytes that are not UTF-8 become U+FFFD, which the row sources
 * report per row), an optional byte-order mark skipped, and a count of the bytes read for the progress bar.
 * {@code -} reads standard input (size unknown). Not thread-safe.
 */
final class ImportInput implements AutoCloseable
{
    private static final int BOM = '\uFEFF';

    private final CountingStream counting;
    private final BufferedReader reader;
    private final long size;

    private ImportInput(final InputStream in, final long size) throws IOException
    {
        this.counting = new CountingStream(in);
        this.size = size;
        this.reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)), 64 * 1024);
        reader.mark(1);
        if (reader.read() != BOM)
        {
            reader.reset();
        }
    }

    static ImportInput open(final String file, final InputStream stdin) throws IOException
    {
        if (file.equals("-"))
        {
            return new ImportInput(stdin, -1);
        }
        final Path path = Path.of(file);
        return new ImportInput(Files.newInputStream(path), Files.size(path));
    }

    BufferedReader reader()
    {
        return reader;
    }

    /** @return the file size in bytes, or -1 for standard input. */
    long size()
    {
        return size;
    }

    long bytesRead()
    {
        return counting.count;
    }

    @Override
    public void close() throws IOException
    {
        reader.close();
    }

    private static final class CountingStream extends FilterInputStream
    {
        long count;

        CountingStream(final InputStream in)
        {
            super(in);
        }

        @Override
        public int read() throws IOException
        {
            final int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            final int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}
