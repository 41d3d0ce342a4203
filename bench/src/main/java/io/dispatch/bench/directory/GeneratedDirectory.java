package io.dispatch.bench.directory;

import io.dispatch.directory.Directory;
import io.dispatch.load.directory.DirectoryGenerator;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a directory of generated recipients (tenant {@value #TENANT}) the way the engine would: one
 * validated UPSERT op per row, applied in order. Single-threaded.
 */
public final class GeneratedDirectory
{
    public static final int TENANT = 1;
    public static final long SEED = 1;

    /** The segments; evaluated at {@link DirectoryGenerator#DEFAULT_NOW_MS}. */
    public static final String WOMEN_20S_RECENT_BUYERS =
        "gender = 'F' and age between 20 and 29 and last_purchase within 7d and not tag('vip')";
    public static final String WOMEN_20S_RECENT_BUYERS_PUSH = WOMEN_20S_RECENT_BUYERS + " and reachable('push')";
    public static final String NOT_SEEN_90_DAYS = "last_visit before 90d";
    public static final String PUSH_AD_NOT_VIP = "reachable('push') and consent('push') and not tag('vip')";

    private GeneratedDirectory()
    {
    }

    /**
     * Writes {@code count} generated UPSERT ops to a file as (i32 length, op bytes) records: the stand-in for
     * a journal to replay. @return bytes written.
     */
    public static long writeOps(final Path file, final int count) throws IOException
    {
        final DirectoryGenerator generator = new DirectoryGenerator(SEED);
        final DirectoryOpWriter w = new DirectoryOpWriter();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)))
        {
            out.writeInt(count);
            for (int i = 0; i < count; i++)
            {
                generator.upsert(generator.row(i), w);
                out.writeInt(w.length());
                out.write(w.buffer(), 0, w.length());
            }
        }
        return Files.size(file);
    }

    /** Reads, validates and applies the ops of a {@link #writeOps} file, as a journal replay would. */
    public static Directory replay(final Path file) throws IOException
    {
        final Directory directory = new Directory();
        final DirectoryOp op = new DirectoryOp();
        final byte[] buffer = new byte[DirectoryOp.MAX_OP_LENGTH];
        final long atMs = DirectoryGenerator.DEFAULT_NOW_MS;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20)))
        {
            final int count = in.readInt();
            for (int i = 0; i < count; i++)
            {
                final int length = in.readInt();
                in.readFully(buffer, 0, length);
                op.wrap(buffer, 0, length);
                final String invalid = op.validate();
                final String problem = invalid != null ? invalid : directory.apply(TENANT, op, atMs);
                if (problem != null)
                {
                    throw new IllegalStateException("op " + i + ": " + problem);
                }
            }
        }
        return directory;
    }

    public static Directory build(final int count)
    {
        final Directory directory = new Directory();
        apply(directory, count, true);
        return directory;
    }

    /** Generates and encodes {@code count} ops; applies them when {@code apply}. @return total encoded bytes. */
    public static long apply(final Directory directory, final int count, final boolean apply)
    {
        final DirectoryGenerator generator = new DirectoryGenerator(SEED);
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final DirectoryOp op = new DirectoryOp();
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            generator.upsert(generator.row(i), w);
            op.wrap(w.buffer(), 0, w.length());
            final String invalid = op.validate();
            if (invalid != null)
            {
                throw new IllegalStateException("row " + i + ": " + invalid);
            }
            bytes += w.length();
            if (apply)
            {
                final String problem = directory.apply(TENANT, op, generator.nowMs());
                if (problem != null)
                {
                    throw new IllegalStateException("row " + i + ": " + problem);
                }
            }
        }
        return bytes;
    }
}
