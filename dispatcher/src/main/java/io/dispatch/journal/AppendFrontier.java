package io.dispatch.journal;

import java.io.File;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where the journal's appender writes, for the {@link JournalPretoucher}: the current cycle file, the position of
 * the latest append and the end of the blocks reserved for it ({@link JournalSpace}). Everything up to
 * {@link Cycle#reservedEnd()} is backed by allocated blocks and lies inside the file, so touching it can neither fault
 * on a full disk nor grow the file.
 * <p>
 * <b>Threading:</b> one writer at a time (the thread that owns the journal's writer), publishing with release stores:
 * two plain stores per append on x86; any thread reads. A new cycle file gets a new {@link Cycle}, so a reader never
 * pairs one file with another file's positions.
 */
public final class AppendFrontier
{
    private volatile Cycle current;

    /** @return the cycle being appended to, or null before the first append. */
    public Cycle current()
    {
        return current;
    }

    /** Writer thread: a new cycle file was opened; nothing of it is reserved yet. */
    Cycle open(final int cycle, final File file)
    {
        final Cycle c = new Cycle(cycle, file);
        current = c;
        return c;
    }

    /** The positions of one cycle file. */
    public static final class Cycle
    {
        private static final VarHandle POSITION;
        private static final VarHandle RESERVED_END;

        static
        {
            try
            {
                final MethodHandles.Lookup lookup = MethodHandles.lookup();
                POSITION = lookup.findVarHandle(Cycle.class, "position", long.class);
                RESERVED_END = lookup.findVarHandle(Cycle.class, "reservedEnd", long.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        private final int cycle;
        private final File file;
        @SuppressWarnings("unused") // through POSITION
        private long position;
        @SuppressWarnings("unused") // through RESERVED_END
        private long reservedEnd;

        Cycle(final int cycle, final File file)
        {
            this.cycle = cycle;
            this.file = file;
        }

        public int cycle()
        {
            return cycle;
        }

        public File file()
        {
            return file;
        }

        /** @return where the latest append started. */
        public long position()
        {
            return (long)POSITION.getAcquire(this);
        }

        /** @return the end of the blocks reserved in this file: every byte below it is allocated. */
        public long reservedEnd()
        {
            return (long)RESERVED_END.getAcquire(this);
        }

        void position(final long position)
        {
            POSITION.setRelease(this, position);
        }

        void reservedEnd(final long reservedEnd)
        {
            RESERVED_END.setRelease(this, reservedEnd);
        }
    }
}
